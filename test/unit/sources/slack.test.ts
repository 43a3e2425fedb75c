import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signSlack } from '../../../local/signers/slack.js'
import { pendingAlerts } from '../../support/envelopes.js'
import {
  answer,
  type DeliveryChanges,
  expectRejected,
  fixtureReader,
  sendDelivery,
  sendLocalSample,
  signedSenderHarness,
} from '../../support/sources/source-harness.js'

const fixture = fixtureReader('slack')

const NOW = new Date('2026-11-28T07:00:00Z')
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5'
const PREVIOUS = 'e6b19c573432dcc6b075501d51b51bb8'
const KEY = 'slack:T06NRA6HM3P:C06NRA6JLER:1719209506.817929'

const setup = (options?: Record<string, unknown>) =>
  signedSenderHarness({ source: 'slack' }, options, { current: SECRET, previous: PREVIOUS }, NOW)

/**
 * Slack's documented scheme, written out here with node:crypto (Slack publishes no signing
 * library): `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`.
 */
const slackSign = (secret: string, timestamp: string, body: string) =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`

type Delivery = DeliveryChanges & { secret?: string; at?: Date }

const deliver = (app: ReturnType<typeof setup>['app'], body: string, delivery: Delivery = {}) => {
  const { secret = SECRET, at = NOW } = delivery
  const timestamp = String(Math.floor(at.getTime() / 1000))
  const signed = {
    'content-type': 'application/json',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': slackSign(secret, timestamp, body),
  }
  return sendDelivery(app, body, signed, delivery)
}

/** The fixture's message event with fields changed, as Slack would send for another message. */
const messageWith = (event: Record<string, unknown>, envelope: Record<string, unknown> = {}) => {
  const callback = JSON.parse(fixture('event_callback.message.json'))
  return JSON.stringify({ ...callback, ...envelope, event: { ...callback.event, ...event } })
}

describe('slack source', () => {
  it('answers the signed url_verification handshake with the challenge, enqueuing nothing', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('url_verification.json'))

    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await response.text()).toBe('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P')
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('does not answer an unsigned url_verification', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('url_verification.json'), {
      headers: { 'x-slack-signature': undefined },
    })

    expect(response.status).toBe(401)
    expect(await response.text()).not.toContain('3eZbrw1aBm2rZgRNFdxV')
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('enqueues a channel message as a firing alert keyed by team, channel and message', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('event_callback.message.json'))

    expect(response.status).toBe(202)
    const envelopes = pendingAlerts(queue)
    expect(envelopes).toHaveLength(1)
    expect(envelopes[0]).toMatchObject({
      source: 'slack',
      type: 'slack.message',
      deliveryId: 'Ev079SP4TP1P',
      alert: {
        key: KEY,
        status: 'firing',
        title: 'Hello, this is a normal text message',
        description: 'Hello, this is a normal text message',
        occurredAt: '2024-06-24T06:11:46.000Z',
        resource: 'C06NRA6JLER',
        tenant: { id: 'T06NRA6HM3P' },
        labels: { team: 'T06NRA6HM3P', channel: 'C06NRA6JLER', user: 'U06NU4E26M9' },
      },
    })
  })

  it('gives a thread reply the key of the message that began the thread', async () => {
    const { app, queue } = setup()
    const reply = messageWith(
      { ts: '1719209600.000100', thread_ts: '1719209506.817929', text: 'still broken' },
      { event_id: 'Ev0REPLY' },
    )

    const response = await deliver(app, reply)

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({ key: KEY, title: 'still broken' })
  })

  it('resolves the thread when an agreed reaction is added to its first message', async () => {
    const { app, queue } = setup({ resolveReactions: ['white_check_mark'] })
    const reaction = messageWith(
      {
        type: 'reaction_added',
        user: 'U06NU4E26M9',
        reaction: 'white_check_mark',
        item: { type: 'message', channel: 'C06NRA6JLER', ts: '1719209506.817929' },
        event_ts: '1719209700.000200',
      },
      { event_id: 'Ev0REACT' },
    )

    const response = await deliver(app, reaction)

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]).toMatchObject({
      type: 'slack.reaction_added',
      alert: { key: KEY, status: 'resolved' },
    })
  })

  it.each([
    ['a rate-limit notice', fixture('app_rate_limited.json'), undefined],
    ['a bot message', messageWith({ bot_id: 'B0123' }), undefined],
    ['an edited message', messageWith({ subtype: 'message_changed' }), undefined],
    [
      'a message outside the route channels',
      fixture('event_callback.message.json'),
      { channels: ['C0OTHER'] },
    ],
    [
      'a reaction the route does not resolve with',
      messageWith({ type: 'reaction_added', reaction: 'eyes' }),
      undefined,
    ],
  ])('ignores %s with 200 and a reason', async (_name, body, options) => {
    const { app, queue } = setup(options)

    const response = await deliver(app, body)

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ accepted: 0, ignored: expect.any(String) })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('yields the same envelope ids when Slack retries the event', async () => {
    const { app, queue } = setup()
    const body = fixture('event_callback.message.json')

    const first = await deliver(app, body)
    const retry = await deliver(app, body, {
      at: new Date(NOW.getTime() + 60_000 - 5_000),
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    })

    expect((await answer(retry)).ids).toEqual((await answer(first)).ids)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it("accepts a request signed with the route's previous signing secret", async () => {
    const { app } = setup()

    const response = await deliver(app, fixture('event_callback.message.json'), {
      secret: PREVIOUS,
    })

    expect(response.status).toBe(202)
  })

  it('accepts the sample that npm run send signs with the local signer', async () => {
    const { app, queue } = setup()
    const response = await sendLocalSample(app, 'slack', signSlack, { secret: SECRET, now: NOW })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('accepts an event_callback without its event id, deduplicated by the body (was 422)', async () => {
    // event_id names the delivery, not the alert: without it (or with another type, which reads
    // as absent) the body's hash stands in, and a retry of the same body still yields the same ids.
    const { app, queue } = setup()
    const body = messageWith({}, { event_id: undefined })

    const first = await deliver(app, body)
    const retry = await deliver(app, body)

    expect(first.status).toBe(202)
    expect((await answer(retry)).ids).toEqual((await answer(first)).ids)
    expect(pendingAlerts(queue)).toHaveLength(1)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({ key: KEY, status: 'firing' })
  })

  describe('rejects, with nothing enqueued,', () => {
    const body = fixture('event_callback.message.json')
    const cases: [string, Delivery, string][] = [
      [
        'a body with one byte changed',
        { sent: body.replace('normal', 'formal') },
        'signature_invalid',
      ],
      [
        'a changed signature',
        { headers: { 'x-slack-signature': `v0=${'a'.repeat(64)}` } },
        'signature_invalid',
      ],
      [
        'a signature from the wrong secret',
        { secret: 'not-the-signing-secret' },
        'signature_invalid',
      ],
      [
        'a timestamp changed after signing',
        { headers: { 'x-slack-request-timestamp': String(NOW.getTime() / 1000 - 10) } },
        'signature_invalid',
      ],
      [
        'a request more than 5 minutes old (a replay)',
        { at: new Date(NOW.getTime() - 301_000) },
        'timestamp_invalid',
      ],
      [
        'a request more than 5 minutes ahead',
        { at: new Date(NOW.getTime() + 301_000) },
        'timestamp_invalid',
      ],
      [
        'a timestamp that is not Unix seconds',
        { headers: { 'x-slack-request-timestamp': 'yesterday' } },
        'timestamp_invalid',
      ],
      ['a missing signature', { headers: { 'x-slack-signature': undefined } }, 'signature_missing'],
      [
        'a missing timestamp',
        { headers: { 'x-slack-request-timestamp': undefined } },
        'signature_missing',
      ],
    ]
    it.each(cases)('%s', async (_name, delivery, code) => {
      const { app, queue } = setup()

      const response = await deliver(app, body, delivery)

      await expectRejected(response, queue, 401, code)
    })

    it('a signed event_callback without its team (422)', async () => {
      const { app, queue } = setup()

      const response = await deliver(app, messageWith({}, { team_id: undefined }))

      expect(response.status).toBe(422)
      expect(await response.json()).toMatchObject({ detail: expect.stringContaining('team_id') })
      expect(pendingAlerts(queue)).toEqual([])
    })
  })
})
