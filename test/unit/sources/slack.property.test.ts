import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { ingestHarness } from '../../support/ingest-harness.js'
import {
  assertLenientBeyondEssentials,
  parsedFixtures,
} from '../../support/sources/lenience-properties.js'
import { fixtureReader, type IngestApp, postJson } from '../../support/sources/source-harness.js'
import {
  assertAlwaysUnauthorized,
  assertNeverServerError,
  breakOneThing,
  mutate,
  mutatedFixture,
} from '../../support/sources/source-properties.js'

const fixture = fixtureReader('slack')

const NOW = new Date('2026-11-28T07:00:00Z')
const TIMESTAMP = String(NOW.getTime() / 1000)
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5'
const FIXTURES = [
  'url_verification.json',
  'event_callback.message.json',
  'app_rate_limited.json',
].map(fixture)

/**
 * The handshake's challenge, and what the key (team, channel, thread), status (message or agreed
 * reaction) and event type come from, including what makes a message ignored (subtype, bot).
 */
const ESSENTIAL = [
  'type',
  'challenge',
  'team_id',
  'event.type',
  'event.subtype',
  'event.bot_id',
  'event.channel',
  'event.ts',
  'event.thread_ts',
  'event.reaction',
  'event.item',
]

const setup = () =>
  ingestHarness(
    { routes: { r: { source: 'slack', options: { resolveReactions: ['white_check_mark'] } } } },
    { routes: { r: { current: SECRET } } },
    NOW,
  )

const slackSign = (body: string, timestamp = TIMESTAMP) =>
  `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`

const post = (app: IngestApp, body: string, headers: Record<string, string>) =>
  postJson(app, body, { headers })

describe('slack source, property-based', () => {
  it('never answers 5xx to a signed body of any shape, and enqueues nothing when it rejects', async () => {
    const event = fc.record({
      type: fc.oneof(fc.constantFrom('message', 'reaction_added', 'app_mention'), fc.string()),
      channel: fc.option(fc.string(), { nil: undefined }),
      ts: fc.option(fc.string(), { nil: undefined }),
      text: fc.option(fc.anything(), { nil: undefined }),
      reaction: fc.option(fc.constantFrom('white_check_mark', 'eyes'), { nil: undefined }),
      item: fc.option(fc.anything(), { nil: undefined }),
    })
    const callback = fc
      .record({
        type: fc.constantFrom('event_callback', 'url_verification', 'app_rate_limited'),
        team_id: fc.oneof(fc.string(), fc.integer()),
        event_id: fc.oneof(fc.string(), fc.constant(undefined)),
        event_time: fc.oneof(fc.integer(), fc.double(), fc.constant(undefined)),
        challenge: fc.oneof(fc.string(), fc.constant(undefined)),
        event,
      })
      .map((value) => JSON.stringify(value))
    const bodies = fc.oneof(
      fc.string({ minLength: 1 }),
      fc.json(),
      callback,
      mutatedFixture(FIXTURES),
    )
    await assertNeverServerError(bodies, async (body) => {
      const { app, queue } = setup()
      const response = await post(app, body, {
        'x-slack-request-timestamp': TIMESTAMP,
        'x-slack-signature': slackSign(body),
      })
      return { response, queue }
    })
  })

  it('rejects a changed byte, a forged header or a stale timestamp with 401, enqueuing nothing', async () => {
    const breakage = breakOneThing(['x-slack-signature', 'x-slack-request-timestamp'])
    await assertAlwaysUnauthorized(
      fc.tuple(fc.constantFrom(...FIXTURES), breakage),
      async ([body, broken]) => {
        const { app, queue } = setup()
        const timestamp =
          broken.kind === 'skew' ? String(Number(TIMESTAMP) + broken.seconds) : TIMESTAMP
        const headers: Record<string, string> = {
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': slackSign(body, timestamp),
        }
        if (broken.kind === 'header') {
          // A forged value equal to the genuine one (HTTP trims values) breaks nothing.
          fc.pre(broken.value.trim() !== headers[broken.name])
          headers[broken.name] = broken.value
        }
        const response = await post(
          app,
          broken.kind === 'byte' ? mutate(body, broken.index) : body,
          headers,
        )
        return { response, queue }
      },
    )
  })

  it('accepts a signed sample whatever type its non-essential fields hold, keeping key and status', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: parsedFixtures('slack', [
        'url_verification.json',
        'event_callback.message.json',
        'app_rate_limited.json',
      ]),
      deliver: async (value) => {
        const { app, queue } = setup()
        const body = JSON.stringify(value)
        const response = await post(app, body, {
          'x-slack-request-timestamp': TIMESTAMP,
          'x-slack-signature': slackSign(body),
        })
        return { response, queue }
      },
    })
  })
})
