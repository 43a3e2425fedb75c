import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { ingestHarness } from '../../support/ingest-harness.js'
import { assertLenientBeyondEssentials } from '../../support/sources/lenience-properties.js'
import { fixtureReader, type IngestApp, postJson } from '../../support/sources/source-harness.js'
import {
  assertAlwaysUnauthorized,
  assertNeverServerError,
  mutate,
  textBodiesAround,
} from '../../support/sources/source-properties.js'

const fixture = fixtureReader('pagerduty')

const SECRET = 'pagerduty-subscription-secret'
const FIXTURES = [
  'incident.triggered.json',
  'incident.resolved.json',
  'incident.acknowledged.json',
  'service.created.json',
].map(fixture)

/** What the alert's key, status and event type come from; any other field may hold anything. */
const ESSENTIAL = ['event.event_type', 'event.data.id']

const setup = () =>
  ingestHarness(
    {
      routes: {
        r: {
          source: 'pagerduty',
          options: { events: ['incident.triggered', 'incident.acknowledged', 'incident.resolved'] },
        },
      },
    },
    { routes: { r: { current: SECRET } } },
  )

const v1 = (body: string) => `v1=${createHmac('sha256', SECRET).update(body).digest('hex')}`

const post = (app: IngestApp, body: string, signature: string) =>
  postJson(app, body, {
    headers: { 'x-webhook-id': 'webhook-1', 'x-pagerduty-signature': signature },
  })

describe('pagerduty source, property-based', () => {
  it('never answers 5xx to a signed body of any shape, and enqueues nothing when it rejects', async () => {
    const shaped = fc
      .record({
        event: fc.record(
          {
            id: fc.oneof(fc.string(), fc.anything()),
            event_type: fc.oneof(
              fc.constantFrom('incident.triggered', 'incident.resolved', 'pagey.ping'),
              fc.anything(),
            ),
            occurred_at: fc.anything(),
            agent: fc.anything(),
            data: fc.oneof(
              fc.anything(),
              fc.record(
                {
                  id: fc.anything(),
                  title: fc.anything(),
                  number: fc.anything(),
                  urgency: fc.anything(),
                  priority: fc.anything(),
                  service: fc.anything(),
                  assignees: fc.anything(),
                },
                { requiredKeys: [] },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
      })
      .map((value) => JSON.stringify(value))
    const bodies = textBodiesAround(FIXTURES, shaped)
    await assertNeverServerError(bodies, async (body) => {
      const { app, queue } = setup()
      const response = await post(app, body, v1(body))
      return { response, queue }
    })
  })

  it('rejects any changed byte or forged signature list with 401 and enqueues nothing', async () => {
    const forgedList = fc.array(
      fc.oneof(
        fc.string(),
        fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `v1=${hex}`),
      ),
      { maxLength: 4 },
    )
    await assertAlwaysUnauthorized(
      fc.tuple(fc.constantFrom(...FIXTURES), fc.nat(), fc.option(forgedList, { nil: undefined })),
      async ([body, index, forged]) => {
        const { app, queue } = setup()
        const response =
          forged === undefined
            ? await post(app, mutate(body, index), v1(body))
            : await post(app, body, forged.join(','))
        return { response, queue }
      },
    )
  })

  it('accepts a signed sample whatever type its non-essential fields hold, keeping key and status', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: Object.fromEntries(FIXTURES.map((body, index) => [index, JSON.parse(body)])),
      deliver: async (value) => {
        const { app, queue } = setup()
        const body = JSON.stringify(value)
        return { response: await post(app, body, v1(body)), queue }
      },
    })
  })
})
