import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSourceHarness, readFixture } from '../../support/sources/source-harness.js'
import {
  expectNoServerErrorNorStrayEnvelope,
  expectValidEnvelopes,
  extraHeaders,
  PROPERTY_RUNS,
  withOneCharReplaced,
} from '../../support/sources/source-properties.js'

const SAMPLE = readFixture('datto-rmm', 'alert-bridge-sample.json')

const setup = () =>
  createSourceHarness({
    route: { source: 'datto-rmm', auth: { type: 'query', param: 'token' } },
    secret: { current: 'tok' },
    now: new Date('2026-03-01T10:00:00Z'),
  })

const mutatedSample = withOneCharReplaced(SAMPLE)

const alertish = fc
  .record(
    {
      alertUID: fc.oneof(fc.string({ maxLength: 300 }), fc.integer()),
      alertMessage: fc.oneof(fc.string(), fc.jsonValue()),
      priority: fc.oneof(fc.constantFrom('Critical', 'Moderate', 'Information'), fc.string()),
      deviceHostname: fc.string({ maxLength: 400 }),
      siteName: fc.string(),
      resolved: fc.oneof(fc.boolean(), fc.string(), fc.constant('true')),
      timestamp: fc.oneof(fc.string(), fc.double(), fc.integer()),
      alertUrl: fc.string({ maxLength: 3000 }),
    },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value))

const body = fc.oneof(fc.string(), fc.json(), mutatedSample, alertish)
const token = fc.constantFrom('tok', 'tok2', '', undefined)
const headers = extraHeaders()

describe('datto-rmm source under random input', () => {
  it('never throws, never answers 5xx, and enqueues only what it accepted', async () => {
    await fc.assert(
      fc.asyncProperty(body, token, headers, async (payload, given, extra) => {
        const { queue, post } = setup()

        const res = await post(payload, {
          query: given === undefined ? '' : `?token=${given}`,
          headers: extra,
        })

        expectNoServerErrorNorStrayEnvelope(res, queue)
        if (given !== 'tok') expect(res.status).toBe(401)
        expectValidEnvelopes(queue)
      }),
      PROPERTY_RUNS,
    )
  })
})
