import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs'
import { Hono } from 'hono'
import { BENCH_SECRETS } from './bench-config.js'

// The minimal Hono equivalent of the ingest app on the two bench routes, the baseline the ingest
// app is held to: read the body (with a declared-length check), authenticate it (HMAC-SHA256 of
// the bytes, or the bearer token, compared in constant time), parse the JSON, derive a sha-256
// envelope id per alert from the body's hash, and push the envelopes onto an array (or send them to
// SQS in one `SendMessageBatch`, as the deployed function would). No validation, no templates, no
// error table: what anyone would write for these two routes alone.

const LIMIT = 262_144

const secretOf = (route: string) => BENCH_SECRETS.routes[route]?.current as string

const sameText = (given: string, expected: string) => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

const envelopeId = (delivery: string, key: string, status: string) =>
  createHash('sha256').update(`${delivery}\u0000${key}\u0000${status}`).digest('base64url')

export type Queued = {
  id: string
  route: string
  key: string
  receivedAt: string
  payload: unknown
}

/** Where the minimal app's envelopes go: an array, or SQS (`sqsEnqueue`). */
export type Enqueue = (items: Queued[]) => void | Promise<void>

/** The minimal app's SQS queue: one `SendMessageBatch` per delivery, as the least code would. */
export const sqsEnqueue =
  (sqs: SQSClient, queueUrl: string): Enqueue =>
  async (items) => {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: items.map((item, index) => ({
          Id: String(index),
          MessageBody: JSON.stringify(item),
          MessageGroupId: `${item.route}:${item.key}`,
          MessageDeduplicationId: item.id,
        })),
      }),
    )
  }

/** The minimal app, handing its envelopes to `enqueue` before it answers. */
export const createMinimalIngestApp = (enqueue: Enqueue) => {
  const app = new Hono()
  app.post('/hooks/generic-hmac', async (c) => {
    if (Number(c.req.header('content-length')) > LIMIT) return c.json({ error: 'too_large' }, 413)
    const body = Buffer.from(await c.req.arrayBuffer())
    const expected = `sha256=${createHmac('sha256', secretOf('generic-hmac')).update(body).digest('hex')}`
    if (!sameText(c.req.header('x-signature') ?? '', expected)) {
      return c.json({ error: 'signature_invalid' }, 401)
    }
    const payload = JSON.parse(body.toString('utf8')) as { id: string; status: string }
    const delivery = createHash('sha256').update(body).digest('hex')
    const id = envelopeId(delivery, payload.id, payload.status)
    const receivedAt = new Date().toISOString()
    const queued = enqueue([{ id, route: 'generic-hmac', key: payload.id, receivedAt, payload }])
    if (queued) await queued
    return c.json({ accepted: 1, ids: [id] }, 202)
  })
  app.post('/hooks/alertmanager', async (c) => {
    if (Number(c.req.header('content-length')) > LIMIT) return c.json({ error: 'too_large' }, 413)
    const body = Buffer.from(await c.req.arrayBuffer())
    const token = /^bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? ''
    if (!sameText(token, secretOf('alertmanager'))) return c.json({ error: 'auth_invalid' }, 401)
    const payload = JSON.parse(body.toString('utf8')) as {
      alerts: { fingerprint: string; status: string }[]
    }
    const delivery = createHash('sha256').update(body).digest('hex')
    const receivedAt = new Date().toISOString()
    const items = payload.alerts.map((alert) => ({
      id: envelopeId(delivery, alert.fingerprint, alert.status),
      route: 'alertmanager',
      key: alert.fingerprint,
      receivedAt,
      payload: alert,
    }))
    const queued = enqueue(items)
    if (queued) await queued
    return c.json({ accepted: items.length, ids: items.map((item) => item.id) }, 202)
  })
  return app
}
