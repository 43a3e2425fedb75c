import fc from 'fast-check'
import { Webhook } from 'standardwebhooks'
import { describe, it } from 'vitest'
import { ingestHarness } from '../../support/ingest-harness.js'
import {
  assertLenientBeyondEssentials,
  parsedFixtures,
} from '../../support/sources/lenience-properties.js'
import { fixtureReader, postToRoute } from '../../support/sources/source-harness.js'
import {
  assertAlwaysUnauthorized,
  assertNeverServerError,
  breakOneThing,
  mutate,
  mutatedFixture,
} from '../../support/sources/source-properties.js'

const fixture = fixtureReader('standard-webhooks')

const NOW = new Date('2026-11-28T07:00:00Z')
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const FIXTURES = [fixture('contact.created.json'), fixture('contact.created.thin.json')]

/** The event type, and what the route's key template reads (its title template reads the type). */
const ESSENTIAL = ['type', 'data.id']

const setup = () =>
  ingestHarness(
    {
      routes: {
        r: {
          source: 'standard-webhooks',
          alert: { key: '{% payload.data.id %}', title: '{% payload.type %}' },
        },
      },
    },
    { routes: { r: { current: SECRET } } },
    NOW,
  )

const headers = (id: string, at: Date, body: string) => ({
  'content-type': 'application/json',
  'webhook-id': id,
  'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
  'webhook-signature': new Webhook(SECRET).sign(id, at, body),
})

describe('standard-webhooks source, property-based', () => {
  it('never answers 5xx to a signed body of any shape, and enqueues nothing when it rejects', async () => {
    const bodies = fc.oneof(
      fc.string({ minLength: 1 }),
      fc.json(),
      fc.constantFrom(...FIXTURES),
      mutatedFixture(FIXTURES),
      fc
        .record({ type: fc.anything(), timestamp: fc.anything(), data: fc.anything() })
        .map((value) => JSON.stringify(value) ?? '{}'),
    )
    await assertNeverServerError(
      fc.tuple(bodies, fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)),
      async ([body, id]) => {
        const { app, queue } = setup()
        const response = await postToRoute(app, body, { headers: headers(id, NOW, body) })
        return { response, queue }
      },
    )
  })

  it('rejects a changed byte, a forged header or a stale timestamp with 401, enqueuing nothing', async () => {
    const breakage = breakOneThing(['webhook-id', 'webhook-timestamp', 'webhook-signature'])
    await assertAlwaysUnauthorized(
      fc.tuple(fc.constantFrom(...FIXTURES), breakage),
      async ([body, broken]) => {
        const { app, queue } = setup()
        const at = broken.kind === 'skew' ? new Date(NOW.getTime() + broken.seconds * 1000) : NOW
        const signed: Record<string, string> = headers('msg_1', at, body)
        if (broken.kind === 'header') signed[broken.name] = broken.value
        // A forged header equal to the genuine one (HTTP trims values) breaks nothing; skip it.
        fc.pre(
          broken.kind !== 'header' ||
            broken.value.trim() !== headers('msg_1', at, body)[broken.name],
        )
        const sent = broken.kind === 'byte' ? mutate(body, broken.index) : body
        const response = await postToRoute(app, sent, { headers: signed })
        return { response, queue }
      },
    )
  })

  it('accepts a signed sample whatever type its non-essential fields hold, keeping key and status', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: parsedFixtures('standard-webhooks', [
        'contact.created.json',
        'contact.created.thin.json',
      ]),
      deliver: async (value) => {
        const { app, queue } = setup()
        const body = JSON.stringify(value)
        const response = await postToRoute(app, body, { headers: headers('msg_1', NOW, body) })
        return { response, queue }
      },
    })
  })
})
