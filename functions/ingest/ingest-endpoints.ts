import { AppError } from '../../shared/errors.js'
import { type IngestDeps, receiveWebhook, routeNamed } from '../../shared/ingest/receive-webhook.js'
import type { CorrelationStore } from '../../shared/lifecycle/correlation-store.js'
import type { Logger } from '../../shared/observability.js'
import type { InboundRequest } from '../../shared/sources/webhook-source.js'

/** Error code → HTTP status: the one table of this edge. Anything else is a 500. */
const STATUS: Record<string, number> = {
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

/** An HTTP answer, whichever server sends it (@hono/node-server locally, Lambda in AWS). */
export type IngestAnswer = {
  status: number
  contentType: string
  body: string
  headers?: Record<string, string>
}

/** The request of one endpoint, its body read once the route (and so its cap) is known. */
export type ReadRequest = (maxBodyBytes: number) => Promise<InboundRequest>

const json = (status: number, value: unknown, headers?: Record<string, string>): IngestAnswer => ({
  status,
  contentType: 'application/json',
  body: JSON.stringify(value),
  ...(headers ? { headers } : {}),
})

/**
 * The ingest endpoints, without a web framework: `GET /health`, `POST /hooks/:route` (and GET for
 * senders that can only call a URL) and `POST /dry-run/:route`. The 202 with the envelope ids
 * comes only after the queue accepted them; every rejection is `{ error: code, detail }` naming
 * the rule that failed. The local gateway serves them through Hono (`app.ts`), the Lambda
 * function straight from its event (`lambda-http.ts`), which spares a cold start building Web
 * requests and loading the fetch implementation behind them.
 */
export const createIngestEndpoints = (deps: IngestAppDeps) => {
  const { logger, onResult } = deps

  const codeOf = (error: unknown) => (error instanceof AppError ? error.code : 'internal')

  /** A failure as the sender sees it (5xx details stay in the log). */
  const failure = (error: unknown, route: string | undefined): IngestAnswer => {
    const code = codeOf(error)
    const status = STATUS[code] ?? 500
    if (status >= 500) {
      logger.error('webhook failed', { route, code, error })
    } else {
      const detail = error instanceof Error ? error.message : String(error)
      logger.warn('webhook rejected', { route, code, status, detail })
    }
    // 5xx details stay in the log: they may describe our infrastructure.
    const detail =
      status >= 500 || !(error instanceof AppError)
        ? 'the webhook was not accepted; retry later'
        : error.detail
    return json(status, { error: code, detail })
  }

  /** An answer, with what became of the webhook for `onResult`. */
  type Received = { answer: IngestAnswer; code?: string; accepted?: number }

  const receive = async (method: string, name: string, read: ReadRequest): Promise<Received> => {
    // A GET is a webhook only for senders that can do no more than call a URL (heartbeats).
    const gets = method === 'GET' && deps.routes.get(name)?.source.acceptsGet
    if (method !== 'POST' && !gets) {
      return {
        answer: json(
          405,
          { error: 'method_not_allowed', detail: 'webhooks are delivered with POST' },
          { allow: 'POST' },
        ),
        code: 'method_not_allowed',
      }
    }
    const route = routeNamed(deps.routes, name)
    const outcome = await receiveWebhook(route, await read(route.maxBodyBytes), deps)
    switch (outcome.kind) {
      case 'reply':
        logger.info('handshake answered', {
          ...outcome.reply.log,
          route: route.name,
          type: outcome.type,
        })
        return {
          answer: {
            status: outcome.reply.status,
            contentType: outcome.reply.contentType,
            body: outcome.reply.body,
          },
        }
      case 'ignored':
        logger.info('webhook ignored', {
          route: route.name,
          type: outcome.type,
          reason: outcome.reason,
        })
        return { answer: json(200, { accepted: 0, ids: [], ignored: outcome.reason }) }
      case 'accepted':
        logger.info('webhook accepted', { route: route.name, type: outcome.type, ids: outcome.ids })
        return {
          answer: json(202, { accepted: outcome.ids.length, ids: outcome.ids }),
          accepted: outcome.ids.length,
        }
    }
  }

  return {
    health: (): IngestAnswer => json(200, { ok: true, routes: [...deps.routes.keys()] }),

    /** `/hooks/:route`, any method: the webhook, or the reason it was refused. */
    webhook: async (method: string, name: string, read: ReadRequest): Promise<IngestAnswer> => {
      let received: Received
      try {
        received = await receive(method, name, read)
      } catch (error) {
        received = { answer: failure(error, name), code: codeOf(error) }
      }
      const { answer, code, accepted } = received
      onResult?.({
        route: name,
        status: answer.status,
        ...(code === undefined ? {} : { code }),
        ...(accepted === undefined ? {} : { accepted }),
      })
      return answer
    },

    /** `POST /dry-run/:route`: what the webhook would do, read from the state, nothing written. */
    dryRun: async (name: string, read: ReadRequest): Promise<IngestAnswer> => {
      try {
        const { preview } = deps
        if (!preview) {
          return json(404, { error: 'not_found', detail: 'the dry run is not enabled here' })
        }
        const route = routeNamed(deps.routes, name)
        const request = await read(route.maxBodyBytes)
        // Loaded on the first dry run: webhooks never need the delivery planner.
        const { previewWebhook } = await import('../../shared/ingest/preview-webhook.js')
        return json(200, await previewWebhook(route, request, { ...deps, store: preview.store }))
      } catch (error) {
        return failure(error, name)
      }
    },

    notFound: (method: string, path: string): IngestAnswer =>
      json(404, { error: 'not_found', detail: `no endpoint ${method} ${path}` }),

    /** Anything that failed outside the endpoints themselves. */
    failed: (error: unknown): IngestAnswer => failure(error, undefined),
  }
}

export type IngestEndpoints = ReturnType<typeof createIngestEndpoints>
