import fc from 'fast-check'
import { describe, it } from 'vitest'
import { createSourceHarness, readFixture } from '../../support/sources/source-harness.js'
import {
  expectNoServerErrorNorStrayEnvelope,
  expectValidEnvelopes,
  extraHeaders,
  PROPERTY_RUNS,
  withOneCharReplaced,
} from '../../support/sources/source-properties.js'

const SAMPLE = readFixture('microsoft-graph', 'change-notification.json')

const setup = () =>
  createSourceHarness({
    route: { source: 'microsoft-graph' },
    secret: { current: 'secretClientValue' },
    now: new Date('2026-03-01T10:00:00Z'),
  })

/** The sample with one character replaced: most land outside clientState and still verify. */
const mutatedSample = withOneCharReplaced(SAMPLE)

const notification = fc.record(
  {
    subscriptionId: fc.oneof(fc.string(), fc.integer()),
    clientState: fc.constantFrom('secretClientValue', 'nope', ''),
    changeType: fc.oneof(fc.constantFrom('created', 'updated', 'deleted'), fc.string()),
    lifecycleEvent: fc.oneof(fc.constantFrom('missed', '__proto__', 'constructor'), fc.string()),
    resource: fc.string({ maxLength: 400 }),
    tenantId: fc.oneof(fc.string(), fc.constant(null)),
    resourceData: fc.oneof(fc.jsonValue(), fc.record({ id: fc.string() })),
  },
  { requiredKeys: [] },
)

const body = fc.oneof(
  fc.string(),
  fc.json(),
  mutatedSample,
  fc.array(notification, { maxLength: 4 }).map((value) => JSON.stringify({ value })),
)

const headers = extraHeaders()
const query = fc.option(
  fc
    .oneof(fc.string({ maxLength: 5000 }), fc.constant(''))
    .map((token) => `?validationToken=${encodeURIComponent(token)}`),
  { nil: '' },
)

describe('microsoft-graph source under random input', () => {
  it('never throws, never answers 5xx, and enqueues only what it accepted', async () => {
    await fc.assert(
      fc.asyncProperty(body, headers, query, async (payload, extra, search) => {
        const { queue, post } = setup()

        const res = await post(payload, { query: search, headers: extra })

        expectNoServerErrorNorStrayEnvelope(res, queue)
        expectValidEnvelopes(queue)
      }),
      PROPERTY_RUNS,
    )
  })
})
