import { verifyRouteAuth } from '../auth/route-auth.js'
import type { CompiledRoute } from '../config/compile-config.js'
import { contentHash, type Envelope, envelopeId } from '../envelope.js'
import { AuthenticationError, ConfigError, PayloadError, UnknownRouteError } from '../errors.js'
import { freezeInPlace } from '../plain-copy.js'
import type { EventQueue } from '../queue/event-queue.js'
import { type SecretStore, signingSecretsOf } from '../secrets/secret-store.js'
import type {
  AuthVerdict,
  InboundRequest,
  SourceContext,
  SourceReply,
} from '../sources/webhook-source.js'
import { finishAlert } from './finish-alert.js'

export type IngestDeps = {
  routes: ReadonlyMap<string, CompiledRoute>
  queue: EventQueue
  secrets: SecretStore
  now: () => Date
}

export type IngestOutcome =
  | { kind: 'accepted'; route: string; type: string; ids: string[] }
  | { kind: 'ignored'; route: string; type: string; reason: string }
  | { kind: 'reply'; route: string; type: string; reply: SourceReply }

/** What a request amounts to once authenticated and read, before anything is queued. */
export type ReadOutcome =
  | { kind: 'envelopes'; route: string; type: string; envelopes: Envelope[] }
  | Exclude<IngestOutcome, { kind: 'accepted' }>

/** Finds a route by name; throws `UnknownRouteError` (404) for any other name. */
export const routeNamed = (routes: IngestDeps['routes'], name: string): CompiledRoute => {
  const route = routes.get(name)
  if (!route) throw new UnknownRouteError(`no route named "${name.slice(0, 64)}"`)
  return route
}

/** The context a source sees for one request. */
export const sourceContext = async (
  route: CompiledRoute,
  deps: Pick<IngestDeps, 'secrets' | 'now'>,
): Promise<SourceContext<unknown>> => ({
  route: route.name,
  options: route.options,
  secrets: signingSecretsOf(await deps.secrets.get(), route.name),
  now: deps.now(),
})

/**
 * Every check the route has, in order: the sender's own scheme, then the route's `auth`. The
 * first failure is the verdict. Throws `ConfigError` (a 5xx, so the sender retries) when the
 * route's secret is missing: failing closed, never open.
 */
export const authenticate = async (
  route: CompiledRoute,
  request: InboundRequest,
  context: SourceContext<unknown>,
): Promise<AuthVerdict> => {
  if (route.needsSecret && context.secrets.length === 0) {
    throw new ConfigError(`no signing secret is configured for route "${route.name}"`)
  }
  const { source, auth } = route
  if (!source.verify && !auth) {
    throw new ConfigError(`route "${route.name}" has no way to authenticate requests`)
  }
  const own = source.verify ? await source.verify(request, context) : { ok: true as const }
  if (!own.ok || !auth) return own
  return verifyRouteAuth(auth, request, context.secrets)
}

/** Reads an authenticated request into one envelope per alert (or an ignore, or a reply). */
export const readWebhook = async (
  route: CompiledRoute,
  request: InboundRequest,
  context: SourceContext<unknown>,
): Promise<ReadOutcome> => {
  const result = await route.source.normalize(request, context)
  if (result.kind === 'ignored') return { ...result, route: route.name }
  if (result.kind === 'reply') return { ...result, route: route.name }

  const receivedAt = context.now.toISOString()
  const delivery = result.deliveryId ?? contentHash(request.body)
  const envelopes = new Map<string, Envelope>()
  for (const draft of result.alerts) {
    const alert = await finishAlert(draft, route, receivedAt)
    const id = envelopeId(delivery, alert)
    // Frozen: nothing changes an envelope once made, and the memory queue then keeps it as is.
    envelopes.set(
      id,
      freezeInPlace({
        v: 1,
        id,
        route: route.name,
        source: route.source.id,
        type: result.type,
        ...(result.deliveryId ? { deliveryId: result.deliveryId } : {}),
        receivedAt,
        alert,
        raw: draft.raw,
      }),
    )
  }
  if (envelopes.size === 0) {
    return {
      kind: 'ignored',
      route: route.name,
      type: result.type,
      reason: 'the delivery holds no alerts',
    }
  }
  return {
    kind: 'envelopes',
    route: route.name,
    type: result.type,
    envelopes: [...envelopes.values()],
  }
}

/**
 * The ingest pipeline for one request to one route: handshake, authenticate the exact bytes,
 * normalize to alerts, and enqueue one envelope per alert. Resolves only after the queue accepted
 * every envelope; throws an `AppError` naming the rule that failed otherwise.
 */
export const receiveWebhook = async (
  route: CompiledRoute,
  request: InboundRequest,
  deps: IngestDeps,
): Promise<IngestOutcome> => {
  if (request.body.byteLength > route.maxBodyBytes) {
    throw new PayloadError('payload_too_large', `body exceeds ${route.maxBodyBytes} bytes`)
  }
  const context = await sourceContext(route, deps)
  const handshake = route.source.handshake?.(request, context)
  if (handshake) {
    return {
      kind: 'reply',
      route: route.name,
      type: `${route.source.id}.handshake`,
      reply: handshake,
    }
  }
  const verdict = await authenticate(route, request, context)
  if (!verdict.ok) throw new AuthenticationError(verdict.code, verdict.detail)

  const read = await readWebhook(route, request, context)
  if (read.kind !== 'envelopes') return read
  await deps.queue.send(read.envelopes)
  return {
    kind: 'accepted',
    route: route.name,
    type: read.type,
    ids: read.envelopes.map((e) => e.id),
  }
}
