import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSourceHarness, readFixtureBytes } from '../../support/sources/source-harness.js'
import {
  expectNoServerErrorNorStrayEnvelope,
  jsonBytes,
  PROPERTY_RUNS,
  queryContentTypes,
  queryTokens,
  randomJsonBytes,
  withOneByteReplaced,
} from '../../support/sources/source-properties.js'

const sample = readFixtureBytes('uptimerobot', 'monitor_down.json')

const setup = () =>
  createSourceHarness({
    route: { source: 'uptimerobot', auth: { type: 'query', param: 'token' } },
    secret: { current: 'secret' },
    now: new Date('2026-11-28T08:00:00Z'),
  })

/** The fixture with one byte replaced, or random JSON, or random bytes. */
const bodies = fc.oneof(
  withOneByteReplaced(sample),
  randomJsonBytes(),
  fc
    .dictionary(
      fc.constantFrom('monitorID', 'monitorURL', 'alertType', 'alert_type', 'monitor_url', 'x'),
      fc.oneof(fc.constantFrom('1', '2', '*alertType*'), fc.jsonValue()),
    )
    .map(jsonBytes),
  fc.uint8Array({ maxLength: 512 }),
)

describe('uptimerobot source under random input', () => {
  it('never lets an exception escape, never answers 5xx, enqueues nothing when it rejects', async () => {
    await fc.assert(
      fc.asyncProperty(
        bodies,
        queryTokens(),
        queryContentTypes(),
        async (body, token, contentType) => {
          const { queue, send } = setup()
          const query = token === null ? '' : `?${new URLSearchParams({ token })}`
          const response = await send(body, { query, headers: { 'content-type': contentType } })
          expectNoServerErrorNorStrayEnvelope(response, queue)
          if (token !== 'secret') expect(response.status).toBe(401)
        },
      ),
      PROPERTY_RUNS,
    )
  })
})
