import { createHmac } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { signStandardWebhooks } from '../../../local/signers/standard-webhooks.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { ingestHarness } from '../../support/ingest-harness.js'
import {
  answer,
  type DeliveryChanges,
  expectRejected,
  fixtureReader,
  sendDelivery,
  sendLocalSample,
  signedSenderHarness,
} from '../../support/sources/source-harness.js'

const fixture = fixtureReader('standard-webhooks')

const NOW = new Date('2026-11-28T07:00:00Z')
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const PREVIOUS = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD'
const MSG_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W'

const ROUTE = {
  source: 'standard-webhooks',
  alert: {
    key: 'contact:{% payload.data.id %}',
    title: '{% payload.type %} {% payload.data.fullName %}',
  },
}

const setup = (options?: Record<string, unknown>) =>
  signedSenderHarness(ROUTE, options, { current: SECRET, previous: PREVIOUS }, NOW)

type Delivery = DeliveryChanges & {
  secret?: string
  id?: string
  at?: Date
  prefix?: 'webhook' | 'svix'
  rawSecret?: boolean
}

/** A delivery signed by the reference `standardwebhooks` library; break one thing. */
const deliver = (app: ReturnType<typeof setup>['app'], body: string, delivery: Delivery = {}) => {
  const { secret = SECRET, id = MSG_ID, at = NOW, prefix = 'webhook' } = delivery
  const signer = delivery.rawSecret ? new Webhook(secret, { format: 'raw' }) : new Webhook(secret)
  const signed = {
    'content-type': 'application/json',
    [`${prefix}-id`]: id,
    [`${prefix}-timestamp`]: String(Math.floor(at.getTime() / 1000)),
    [`${prefix}-signature`]: signer.sign(id, at, body),
  }
  return sendDelivery(app, body, signed, delivery)
}

describe('standard-webhooks source', () => {
  it('enqueues a signed delivery, keyed and titled by the route templates', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('contact.created.json'))

    expect(response.status).toBe(202)
    const envelopes = queue.pending()
    expect(envelopes).toHaveLength(1)
    expect(envelopes[0]).toMatchObject({
      source: 'standard-webhooks',
      type: 'standard-webhooks.contact.created',
      deliveryId: MSG_ID,
      alert: {
        key: 'contact:1f81eb52-5198-4599-803e-771906343485',
        status: 'firing',
        title: 'contact.created John Smith',
        occurredAt: '2022-11-03T20:26:10.344Z',
        labels: { type: 'contact.created' },
      },
      raw: { type: 'contact.created', data: { fullName: 'John Smith' } },
    })
  })

  it('accepts the Svix header names', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('contact.created.thin.json'), { prefix: 'svix' })

    expect(response.status).toBe(202)
    expect(queue.pending()[0]?.deliveryId).toBe(MSG_ID)
  })

  it('accepts a signature list where only one entry matches (the sender is rotating)', async () => {
    const { app, queue } = setup()
    const body = fixture('contact.created.json')
    const good = new Webhook(SECRET).sign(MSG_ID, NOW, body)
    const stale = new Webhook('whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA').sign(MSG_ID, NOW, body)

    const response = await deliver(app, body, {
      headers: { 'webhook-signature': `v1a,c2lnbmF0dXJl ${stale} ${good}` },
    })

    expect(response.status).toBe(202)
    expect(queue.pending()).toHaveLength(1)
  })

  it("accepts a delivery signed with the route's previous secret", async () => {
    const { app } = setup()

    const response = await deliver(app, fixture('contact.created.json'), { secret: PREVIOUS })

    expect(response.status).toBe(202)
  })

  it('uses the secret bytes as they are when secretFormat is raw', async () => {
    const raw = 'plain-shared-secret'
    const { app, queue } = ingestHarness(
      { routes: { r: { ...ROUTE, options: { secretFormat: 'raw' } } } },
      { routes: { r: { current: raw } } },
      NOW,
    )

    const response = await deliver(app, fixture('contact.created.json'), {
      secret: raw,
      rawSecret: true,
    })

    expect(response.status).toBe(202)
    expect(queue.pending()).toHaveLength(1)
  })

  it('yields the same envelope ids when the sender retries the message later', async () => {
    const { app, queue } = setup()
    const body = fixture('contact.created.json')

    const first = await deliver(app, body)
    const retry = await deliver(app, body, { at: new Date(NOW.getTime() - 120_000) })

    expect((await answer(retry)).ids).toEqual((await answer(first)).ids)
    expect(queue.pending()).toHaveLength(1)
  })

  it('ignores, with 200, an event type the route does not act on', async () => {
    const { app, queue } = setup({ eventTypes: ['invoice.*'] })

    const response = await deliver(app, fixture('contact.created.json'))

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      ignored: expect.stringContaining('contact.created'),
    })
    expect(queue.pending()).toEqual([])
  })

  it('acts on a type matched by a prefix pattern', async () => {
    const { app, queue } = setup({ eventTypes: ['contact.*'] })

    const response = await deliver(app, fixture('contact.created.json'))

    expect(response.status).toBe(202)
    expect(queue.pending()).toHaveLength(1)
  })

  it('refuses a route without key and title templates at config time', () => {
    expect(() => compileConfig({ routes: { r: { source: 'standard-webhooks' } } })).toThrow(
      /routes\.r\.alert\.key: required/,
    )
  })

  it('accepts the sample that npm run send signs with the local signer', async () => {
    const { app, queue } = setup()
    const response = await sendLocalSample(app, 'standard-webhooks', signStandardWebhooks, {
      secret: SECRET,
      now: NOW,
    })

    expect(response.status).toBe(202)
    expect(queue.pending()).toHaveLength(1)
  })

  it('refuses to verify with a secret that decodes to no key, even a matching signature', async () => {
    const { app, queue } = ingestHarness(
      { routes: { r: ROUTE } },
      { routes: { r: { current: 'whsec_' } } },
      NOW,
    )
    const body = fixture('contact.created.json')
    // What an attacker could compute if an empty key were accepted.
    const forged = `v1,${createHmac('sha256', Buffer.alloc(0))
      .update(`${MSG_ID}.${NOW.getTime() / 1000}.${body}`)
      .digest('base64')}`

    const response = await deliver(app, body, {
      headers: { 'webhook-signature': forged },
    })

    await expectRejected(response, queue, 401, 'signature_invalid')
  })

  describe('rejects, with nothing enqueued,', () => {
    const body = fixture('contact.created.json')
    const cases: [string, Delivery, string][] = [
      ['a body with one byte changed', { sent: body.replace('John', 'Joan') }, 'signature_invalid'],
      [
        'a changed signature',
        { headers: { 'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=' } },
        'signature_invalid',
      ],
      [
        'a signature made with the wrong secret',
        { secret: 'whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==' },
        'signature_invalid',
      ],
      [
        'a timestamp changed after signing',
        { headers: { 'webhook-timestamp': String(NOW.getTime() / 1000 - 1) } },
        'signature_invalid',
      ],
      [
        'a timestamp more than 5 minutes old (a replay)',
        { at: new Date(NOW.getTime() - 301_000) },
        'timestamp_invalid',
      ],
      [
        'a timestamp more than 5 minutes ahead',
        { at: new Date(NOW.getTime() + 301_000) },
        'timestamp_invalid',
      ],
      [
        'a timestamp that is not Unix seconds',
        { headers: { 'webhook-timestamp': '2026-11-28T07:00:00Z' } },
        'timestamp_invalid',
      ],
      [
        'only an asymmetric (v1a) signature',
        { headers: { 'webhook-signature': 'v1a,c2lnbmF0dXJl' } },
        'signature_invalid',
      ],
      ['a message id containing "."', { id: 'msg.1' }, 'signature_invalid'],
      ['a missing webhook-id', { headers: { 'webhook-id': undefined } }, 'signature_missing'],
      [
        'a missing webhook-timestamp',
        { headers: { 'webhook-timestamp': undefined } },
        'signature_missing',
      ],
      [
        'a missing webhook-signature',
        { headers: { 'webhook-signature': undefined } },
        'signature_missing',
      ],
    ]
    it.each(cases)('%s', async (_name, delivery, code) => {
      const { app, queue } = setup()

      const response = await deliver(app, body, delivery)

      await expectRejected(response, queue, 401, code)
    })

    it('a signed body that is not a JSON object (422)', async () => {
      const { app, queue } = setup()

      const response = await deliver(app, '["contact.created"]')

      await expectRejected(response, queue, 422)
    })
  })
})
