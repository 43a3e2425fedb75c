import { type Context, Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { inboundRequest } from './inbound-request.js'
import { createIngestEndpoints, type IngestAnswer, type IngestAppDeps } from './ingest-endpoints.js'

export type { IngestAppDeps, WebhookResult } from './ingest-endpoints.js'

const send = (c: Context, answer: IngestAnswer) =>
  c.body(answer.body, answer.status as ContentfulStatusCode, {
    'content-type': answer.contentType,
    ...answer.headers,
  })

/**
 * The ingest endpoints (`ingest-endpoints.ts`) as a Hono app, which the local gateway serves on
 * @hono/node-server and tests call with `app.request`.
 */
export const createIngestApp = (deps: IngestAppDeps) => {
  const endpoints = createIngestEndpoints(deps)
  const app = new Hono()

  app.get('/health', (c) => send(c, endpoints.health()))

  // One handler for every method, so a POST matches one handler (which Hono calls directly,
  // without composing a chain for the 405 behind it).
  app.all('/hooks/:route', async (c) =>
    send(
      c,
      await endpoints.webhook(c.req.method, c.req.param('route'), (limit) =>
        inboundRequest(c, limit),
      ),
    ),
  )

  app.post('/dry-run/:route', async (c) =>
    send(c, await endpoints.dryRun(c.req.param('route'), (limit) => inboundRequest(c, limit))),
  )

  app.notFound((c) => send(c, endpoints.notFound(c.req.method, c.req.path)))
  app.onError((error, c) => send(c, endpoints.failed(error)))

  return app
}
