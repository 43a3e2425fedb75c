import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { Hono } from 'hono'
import { handle } from 'hono/aws-lambda'

// The minimal equivalent of the ingest function, the cold-start benchmark's baseline: Hono, the
// official SQS client, one HMAC route and one SendMessage. Its secret comes from the environment.

const sqs = new SQSClient({})
const queueUrl = process.env.QUEUE_URL
const secret = process.env.MINIMAL_HMAC_SECRET ?? ''

const app = new Hono()
app.post('/hooks/:route', async (c) => {
  const body = Buffer.from(await c.req.arrayBuffer())
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`)
  const given = Buffer.from(c.req.header('x-signature') ?? '')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return c.json({ error: 'signature_invalid' }, 401)
  }
  const payload = JSON.parse(body.toString('utf8')) as { id?: unknown }
  const id = createHash('sha256').update(body).digest('hex')
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify({ route: c.req.param('route'), id, payload }),
      MessageGroupId: `${c.req.param('route')}:${String(payload.id)}`,
      MessageDeduplicationId: id,
    }),
  )
  return c.json({ accepted: 1, ids: [id] }, 202)
})

export const handler = handle(app)
