import type { Alert } from '../alert.js'
import { verifyRouteAuth } from '../auth/route-auth.js'
import type { RouteAuth } from '../auth/route-auth-schema.js'
import type { CompiledRoute, ReceivingRoute } from '../config/compile-config.js'
import {
  type AlertEnvelope,
  contentHash,
  envelopeId,
  type TicketEventEnvelope,
} from '../envelope.js'
import { AuthenticationError, ConfigError, PayloadError, UnknownRouteError } from '../errors.js'
import type { Logger } from '../observability.js'
import { handOver } from '../plain-copy.js'
import type { EventQueue } from '../queue/event-queue.js'
import {
  RECHECK_MISSING_SECRET_MS,
  type SecretStore,
  type Secrets,
  signingSecretsOf,
} from '../secrets/secret-store.js'
import type {
  AlertDraft,
  AuthVerdict,
  InboundRequest,
  SourceContext,
  SourceReply,
  SourceResult,
} from '../sources/webhook-source.js'
import { finishAlert } from './finish-alert.js'
import { type TicketOwners, unownedTicketReason } from './unowned-ticket.js'

export type IngestDeps = {
  routes: ReadonlyMap<string, CompiledRoute>
  queue: EventQueue
  secrets: SecretStore
  now: () => Date
  /**
   * Which problem owns a Halo ticket: a ticket event about a ticket no problem owns is answered
   * 200 with the reason and not queued. Without it every ticket event is queued.
   */
  ticketOwners?: TicketOwners
  /** Told when the owner of a ticket could not be asked (the event is queued all the same). */
  logger?: Pick<Logger, 'warn'>
}

export type IngestOutcome =
  | { kind: 'accepted'; route: string; type: string; ids: string[] }
  | { kind: 'ignored'; route: string; type: string; reason: string }
  | { kind: 'reply'; route: string; type: string; reply: SourceReply }

/** What a request amounts to once authenticated and read, before anything is queued. */
export type ReadOutcome =
  | { kind: 'envelopes'; route: string; type: string; envelopes: AlertEnvelope[] }
  | { kind: 'ticketEvent'; route: string; type: string; envelope: TicketEventEnvelope }
  | Exclude<IngestOutcome, { kind: 'accepted' }>

/** A source's result that carries alerts. */
type Alerts = Extract<SourceResult, { kind: 'alerts' }>

/** A source's result that carries one Halo ticket event. */
type TicketEventResult = Extract<SourceResult, { kind: 'ticketEvent' }>

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
): Promise<SourceContext<unknown>> => contextWith(route, await deps.secrets.get(), deps.now())

const contextWith = (
  route: CompiledRoute,
  secrets: Secrets,
  now: Date,
): SourceContext<unknown> => ({
  route: route.name,
  options: route.options,
  secrets: signingSecretsOf(secrets, route.name),
  now,
})

/**
 * The context again with the route's secrets read afresh, when the value held is more than
 * {@link RECHECK_REFUSED_SIGNATURE_MS} old and the secrets differ: a secret rotated since then
 * verifies at once, not only once the cache runs out. Undefined when nothing changed.
 */
const renewedContext = async (
  route: CompiledRoute,
  context: SourceContext<unknown>,
  deps: Pick<IngestDeps, 'secrets'>,
): Promise<SourceContext<unknown> | undefined> => {
  const fresh = await deps.secrets.get({ maxAgeMs: RECHECK_REFUSED_SIGNATURE_MS })
  const secrets = signingSecretsOf(fresh, route.name)
  const same =
    secrets.length === context.secrets.length &&
    secrets.every((secret, index) => secret === context.secrets[index])
  return same ? undefined : { ...context, secrets }
}

/**
 * How old the secret held may be when a request's signature does not verify with it: at most one
 * read of the secret per this time however many bad requests come.
 */
const RECHECK_REFUSED_SIGNATURE_MS = 60_000

/**
 * The route with its sender loaded: itself, but for the first request to a sender a function's
 * bundle loads on first use (`SenderLoader`), which waits for it.
 */
export const routeWithSender = (route: CompiledRoute): ReceivingRoute | Promise<ReceivingRoute> => {
  const { source } = route
  if (!('load' in source)) return route as ReceivingRoute
  return source.load().then((loaded) => {
    // Kept in the route (this bundle's, made once per cold start): later requests find it loaded.
    route.source = loaded
    return route as ReceivingRoute
  })
}

/** `authenticate`'s verdict, without a promise when no check is asynchronous. */
const verdictOf = (
  route: ReceivingRoute,
  request: InboundRequest,
  context: SourceContext<unknown>,
): AuthVerdict | Promise<AuthVerdict> => {
  if (route.needsSecret && context.secrets.length === 0) {
    throw new ConfigError(`no signing secret is configured for route "${route.name}"`)
  }
  const { source, auth } = route
  if (!source.verify && !auth) {
    throw new ConfigError(`route "${route.name}" has no way to authenticate requests`)
  }
  if (!source.verify) return verifyRouteAuth(auth as RouteAuth, request, context.secrets)
  const own = source.verify(request, context)
  const withRouteAuth = (verdict: AuthVerdict) =>
    !verdict.ok || !auth ? verdict : verifyRouteAuth(auth, request, context.secrets)
  return own instanceof Promise ? own.then(withRouteAuth) : withRouteAuth(own)
}

/**
 * Every check the route has, in order: the sender's own scheme, then the route's `auth`. The
 * first failure is the verdict. Throws `ConfigError` (a 5xx, so the sender retries) when the
 * route's secret is missing: failing closed, never open.
 */
export const authenticate = async (
  route: ReceivingRoute,
  request: InboundRequest,
  context: SourceContext<unknown>,
): Promise<AuthVerdict> => verdictOf(route, request, context)

/** The envelope of one finished alert. Handed over: nothing changes it once made. */
const envelopeOf = (
  route: CompiledRoute,
  result: Alerts,
  receivedAt: string,
  delivery: string,
  alert: Alert,
  raw: unknown,
): AlertEnvelope =>
  // The memory queue then keeps it as it is, with no copy, and freezes it when it is read. Two
  // literals, not a spread in the middle of one: the same keys in the same order, built faster.
  handOver(
    result.deliveryId
      ? {
          v: 1 as const,
          id: envelopeId(delivery, alert),
          route: route.name,
          source: route.source.id,
          type: result.type,
          deliveryId: result.deliveryId,
          receivedAt,
          alert,
          raw,
        }
      : {
          v: 1 as const,
          id: envelopeId(delivery, alert),
          route: route.name,
          source: route.source.id,
          type: result.type,
          receivedAt,
          alert,
          raw,
        },
  )

/** The envelopes of a source's alerts, one per distinct id, in order. */
const outcomeOf = (
  route: CompiledRoute,
  result: Alerts,
  envelopes: AlertEnvelope[],
): ReadOutcome => {
  const distinct =
    envelopes.length < 2 ? envelopes : [...new Map(envelopes.map((e) => [e.id, e])).values()]
  if (distinct.length === 0) {
    return {
      kind: 'ignored',
      route: route.name,
      type: result.type,
      reason: 'the delivery holds no alerts',
    }
  }
  return { kind: 'envelopes', route: route.name, type: result.type, envelopes: distinct }
}

/**
 * A source's alerts as envelopes. Synchronous while every alert finishes synchronously (no
 * JSONata expression to evaluate); from the first that does not, a promise of the rest in order.
 */
const envelopesOf = (
  route: CompiledRoute,
  request: InboundRequest,
  result: Alerts,
  now: Date,
): ReadOutcome | Promise<ReadOutcome> => {
  const receivedAt = now.toISOString()
  // On a heartbeat route a resend of the same body is a new ping (Alertmanager's Watchdog repeats
  // one body unchanged): without the sender's id, the time received tells deliveries apart.
  const hashed = contentHash(request.body)
  const delivery = result.deliveryId ?? (route.heartbeat ? `${hashed}@${receivedAt}` : hashed)
  const envelopes: AlertEnvelope[] = []
  const { alerts } = result
  for (let index = 0; index < alerts.length; index++) {
    const draft = alerts[index] as AlertDraft
    const alert = finishAlert(draft, route, receivedAt)
    if (alert instanceof Promise) {
      return (async () => {
        envelopes.push(envelopeOf(route, result, receivedAt, delivery, await alert, draft.raw))
        for (const rest of alerts.slice(index + 1)) {
          const finished = await finishAlert(rest, route, receivedAt)
          envelopes.push(envelopeOf(route, result, receivedAt, delivery, finished, rest.raw))
        }
        return outcomeOf(route, result, envelopes)
      })()
    }
    envelopes.push(envelopeOf(route, result, receivedAt, delivery, alert, draft.raw))
  }
  return outcomeOf(route, result, envelopes)
}

/** The one envelope of a Halo ticket event, keyed by the ticket. */
const ticketEventOutcome = (
  route: CompiledRoute,
  request: InboundRequest,
  result: TicketEventResult,
  now: Date,
): ReadOutcome => {
  const { ticketEvent } = result
  const delivery = result.deliveryId ?? contentHash(request.body)
  const key = `ticket#${ticketEvent.ticketId}`
  return {
    kind: 'ticketEvent',
    route: route.name,
    type: result.type,
    envelope: {
      v: 2,
      id: envelopeId(delivery, { key, status: ticketEvent.event ?? 'ticket event' }),
      route: route.name,
      source: route.source.id,
      type: result.type,
      ...(result.deliveryId ? { deliveryId: result.deliveryId } : {}),
      receivedAt: now.toISOString(),
      ticketEvent,
    },
  }
}

/** What a source's result amounts to: its envelopes, or its ignore or reply as it is. */
const outcomeOfResult = (
  route: CompiledRoute,
  request: InboundRequest,
  result: SourceResult,
  now: Date,
): ReadOutcome | Promise<ReadOutcome> => {
  if (result.kind === 'alerts') return envelopesOf(route, request, result, now)
  if (result.kind === 'ticketEvent') return ticketEventOutcome(route, request, result, now)
  return { ...result, route: route.name }
}

/**
 * Reads an authenticated request into one envelope per alert, or one for a Halo ticket event
 * (or an ignore, or a reply).
 */
export const readWebhook = async (
  route: ReceivingRoute,
  request: InboundRequest,
  context: SourceContext<unknown>,
): Promise<ReadOutcome> =>
  outcomeOfResult(route, request, await route.source.normalize(request, context), context.now)

/**
 * The ingest pipeline for one request to one route: handshake, authenticate the exact bytes,
 * normalize to alerts, and enqueue one envelope per alert (a Halo ticket event only when a problem
 * owns its ticket, or nobody could say). Resolves only after the queue accepted every envelope;
 * throws an `AppError` naming the rule that failed otherwise.
 */
export const receiveWebhook = async (
  compiled: CompiledRoute,
  request: InboundRequest,
  deps: IngestDeps,
): Promise<IngestOutcome> => {
  if (request.body.byteLength > compiled.maxBodyBytes) {
    throw new PayloadError('payload_too_large', `body exceeds ${compiled.maxBodyBytes} bytes`)
  }
  // A sender not loaded yet loads while the secret is read (both wait on I/O at a cold start).
  const withSender = routeWithSender(compiled)
  if (withSender instanceof Promise) withSender.catch(() => {}) // awaited below, unless this throws
  let context = contextWith(compiled, await deps.secrets.get(), deps.now())
  if (compiled.needsSecret && context.secrets.length === 0) {
    // None yet: one may have been stored since the value held was read (a first setup).
    const fresh = await deps.secrets.get({ maxAgeMs: RECHECK_MISSING_SECRET_MS })
    context = contextWith(compiled, fresh, context.now)
  }
  const route = withSender instanceof Promise ? await withSender : withSender
  const handshake = route.source.handshake?.(request, context)
  if (handshake) {
    return {
      kind: 'reply',
      route: route.name,
      type: `${route.source.id}.handshake`,
      reply: handshake,
    }
  }
  // Synchronous up to the enqueue wherever nothing is actually asynchronous: a promise only for a
  // sender's asynchronous verification, the source's normalize, JSONata, and the queue.
  const pending = verdictOf(route, request, context)
  let verdict = pending instanceof Promise ? await pending : pending
  if (!verdict.ok) {
    const renewed = await renewedContext(route, context, deps)
    if (renewed) {
      context = renewed
      verdict = await verdictOf(route, request, context)
    }
    if (!verdict.ok) throw new AuthenticationError(verdict.code, verdict.detail)
  }

  const normalized = await route.source.normalize(request, context)
  const outcome = outcomeOfResult(route, request, normalized, context.now)
  const read = outcome instanceof Promise ? await outcome : outcome
  if (read.kind === 'ignored' || read.kind === 'reply') return read
  if (read.kind === 'ticketEvent' && deps.ticketOwners) {
    const { ticketId } = read.envelope.ticketEvent
    const reason = await unownedTicketReason(ticketId, deps.ticketOwners, deps.logger)
    if (reason) return { kind: 'ignored', route: route.name, type: read.type, reason }
  }
  const envelopes = read.kind === 'envelopes' ? read.envelopes : [read.envelope]
  await deps.queue.send(envelopes)
  return { kind: 'accepted', route: route.name, type: read.type, ids: envelopes.map((e) => e.id) }
}
