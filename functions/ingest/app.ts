import { Hono } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { AppError } from '../../shared/errors.js'
import { type IngestDeps, receiveWebhook, routeNamed } from '../../shared/ingest/receive-webhook.js'
import type { CorrelationStore } from '../../shared/lifecycle/correlation-store.js'
import type { Logger } from '../../shared/observability.js'
import { inboundRequest } from './inbound-request.js'

/** Error code → HTTP status: the one table of this edge. Anything else is a 500. */
const STATUS: Record<string, ContentfulStatusCode> = {
  route_unknown: 404,
  signature_missing: 401,
  signature_invalid: 401,
  timestamp_invalid: 401,
  auth_invalid: 401,
  payload_too_large: 413,
  media_unsupported: 415,
  body_invalid: 400,
  payload_invalid: 422,
  queue_unavailable: 503, // the sender retries, which is what we want
  secret_unavailable: 503,
  signing_key_unavailable: 503, // e.g. the SNS certificate could not be fetched: SNS retries
}

/** What became of one webhook, for metrics: its answer's status, and its code or count. */
export type WebhookResult = {
  route: string
  status: number
  /** The rejection's code (`signature_invalid`, ...). */
  code?: string
  /** Envelopes queued. */
  accepted?: number
}

export type IngestAppDeps = IngestDeps & {
  logger: Logger
  /** Enables `POST /dry-run/:route`, which reads (never writes) the correlation state. */
  preview?: { store: CorrelationStore }
  /** Told of every `POST /hooks/:route` once it is answered. */
  onResult?: (result: WebhookResult) => void
}

type Variables = { accepted?: number; code?: string }

/**
 * The ingest HTTP app: `POST /hooks/:route`. Answers 202 with the envelope ids only after the
 * queue accepted them; every rejection is `{ error: code, detail }` naming the rule that failed.
 */
export const createIngestApp = (deps: IngestAppDeps) => {
  const { logger } = deps
  const app = new Hono<{ Variables: Variables }>()

  const { onResult } = deps
  if (onResult) {
    app.use('/hooks/:route', async (c, next) => {
      await next()
      const { accepted, code } = c.var
      onResult({
        route: c.req.param('route'),
        status: c.res.status,
        ...(code === undefined ? {} : { code }),
        ...(accepted === undefined ? {} : { accepted }),
      })
    })
  }

  app.get('/health', (c) => c.json({ ok: true, routes: [...deps.routes.keys()] }))

  // One handler for every method, so a POST matches one handler (which Hono calls directly,
  // without composing a chain for the 405 behind it).
  app.all('/hooks/:route', async (c) => {
    // A GET is a webhook only for senders that can do no more than call a URL (heartbeats).
    const gets = c.req.method === 'GET' && deps.routes.get(c.req.param('route'))?.source.acceptsGet
    if (c.req.method !== 'POST' && !gets) {
      c.set('code', 'method_not_allowed')
      return c.json(
        { error: 'method_not_allowed', detail: 'webhooks are delivered with POST' },
        405,
        { allow: 'POST' },
      )
    }
    const route = routeNamed(deps.routes, c.req.param('route'))
    const request = await inboundRequest(c, route.maxBodyBytes)
    const outcome = await receiveWebhook(route, request, deps)
    switch (outcome.kind) {
      case 'reply':
        logger.info('handshake answered', {
          ...outcome.reply.log,
          route: route.name,
          type: outcome.type,
        })
        return c.body(outcome.reply.body, outcome.reply.status as ContentfulStatusCode, {
          'content-type': outcome.reply.contentType,
        })
      case 'ignored':
        logger.info('webhook ignored', {
          route: route.name,
          type: outcome.type,
          reason: outcome.reason,
        })
        return c.json({ accepted: 0, ids: [], ignored: outcome.reason }, 200)
      case 'accepted':
        logger.info('webhook accepted', { route: route.name, type: outcome.type, ids: outcome.ids })
        c.set('accepted', outcome.ids.length)
        return c.json({ accepted: outcome.ids.length, ids: outcome.ids }, 202)
    }
  })

  app.post('/dry-run/:route', async (c) => {
    const { preview } = deps
    if (!preview) {
      return c.json({ error: 'not_found', detail: 'the dry run is not enabled here' }, 404)
    }
    const route = routeNamed(deps.routes, c.req.param('route'))
    const request = await inboundRequest(c, route.maxBodyBytes)
    // Loaded on the first dry run: webhooks never need the delivery planner.
    const { previewWebhook } = await import('../../shared/ingest/preview-webhook.js')
    return c.json(await previewWebhook(route, request, { ...deps, store: preview.store }))
  })

  app.notFound((c) =>
    c.json({ error: 'not_found', detail: `no endpoint ${c.req.method} ${c.req.path}` }, 404),
  )

  app.onError((error, c) => {
    const code = error instanceof AppError ? error.code : 'internal'
    const status = STATUS[code] ?? 500
    const route = c.req.param('route')
    c.set('code', code)
    if (status >= 500) {
      logger.error('webhook failed', { route, code, error })
    } else {
      logger.warn('webhook rejected', { route, code, status, detail: error.message })
    }
    // 5xx details stay in the log: they may describe our infrastructure.
    const detail =
      status >= 500 || !(error instanceof AppError)
        ? 'the webhook was not accepted; retry later'
        : error.detail
    return c.json({ error: code, detail }, status)
  })

  return app
}
