import { Hono } from 'hono'
import { Webhook } from 'standardwebhooks'
import { createFakeRecorder, serveFake } from './serve-fake.js'

/** A fresh Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export const newSigningSecret = () =>
  `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`

/**
 * A receiver that verifies every delivery with the official `standardwebhooks` library (401 when
 * it fails) and keeps each message once by `webhook-id`, as the spec asks receivers to.
 */
export const startStandardWebhooksReceiver = async (secret = newSigningSecret()) => {
  const recorder = createFakeRecorder()
  const messages = new Map<string, unknown>()
  const verifier = new Webhook(secret)
  const app = new Hono()

  app.post('/hooks/halo', async (c) => {
    const { body, fault } = await recorder.record(c)
    if (fault) return fault
    try {
      const payload = verifier.verify(body, {
        'webhook-id': c.req.header('webhook-id') ?? '',
        'webhook-timestamp': c.req.header('webhook-timestamp') ?? '',
        'webhook-signature': c.req.header('webhook-signature') ?? '',
      })
      messages.set(c.req.header('webhook-id') as string, payload)
      return c.body(null, 204)
    } catch {
      return c.json({ error: 'signature_invalid' }, 401)
    }
  })

  const server = await serveFake(app)
  return {
    ...server,
    secret,
    hookUrl: `${server.url}/hooks/halo`,
    requests: recorder.requests,
    failNext: recorder.failNext,
    /** Verified messages by `webhook-id`, each once however often it was delivered. */
    messages: () => new Map(messages),
  }
}
