import fc from 'fast-check'
import { describe, it } from 'vitest'
import {
  assertLenientBeyondEssentials,
  parsedFixtures,
} from '../../support/sources/lenience-properties.js'
import { createSourceHarness, readFixture } from '../../support/sources/source-harness.js'
import {
  expectNoServerErrorNorStrayEnvelope,
  expectValidEnvelopes,
  extraHeaders,
  PROPERTY_RUNS,
  withOneCharReplaced,
} from '../../support/sources/source-properties.js'

const SAMPLE = readFixture('microsoft-graph', 'change-notification.json')

const setup = (clientState = 'secretClientValue') =>
  createSourceHarness({
    route: { source: 'microsoft-graph' },
    secret: { current: clientState },
    now: new Date('2026-03-01T10:00:00Z'),
  })

/**
 * `clientState` (the route's secret), and what each notification's key, status and event type
 * come from: the subscription, the lifecycle event or change type, and the changed resource.
 */
const ESSENTIAL = [
  'value.*.clientState',
  'value.*.subscriptionId',
  'value.*.lifecycleEvent',
  'value.*.changeType',
  'value.*.resource',
  'value.*.resourceData.id',
  'value.*.resourceData.@odata.id',
]

const SAMPLES = parsedFixtures('microsoft-graph', [
  'change-notification.json',
  'lifecycle-missed.json',
  'lifecycle-reauthorization-required.json',
  'lifecycle-subscription-removed.json',
]) as Record<string, { value: { clientState: string }[] }>

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

  it('accepts a sample whatever type its non-essential fields hold, keeping keys and statuses', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: SAMPLES,
      deliver: async (value, name) => {
        const { queue, post } = setup(SAMPLES[name]?.value[0]?.clientState)
        return { response: await post(JSON.stringify(value)), queue }
      },
    })
  })
})
