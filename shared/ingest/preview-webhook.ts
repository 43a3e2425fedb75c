import type { CompiledRoute } from '../config/compile-config.js'
import { previewDelivery } from '../delivery/preview-delivery.js'
import { previewTicketEvent } from '../delivery/preview-ticket-event.js'
import { AppError, describeError } from '../errors.js'
import type { CorrelationRecord, CorrelationStore } from '../lifecycle/correlation-store.js'
import type { SecretStore } from '../secrets/secret-store.js'
import type { InboundRequest } from '../sources/webhook-source.js'
import { authenticate, readWebhook, routeWithSender, sourceContext } from './receive-webhook.js'

/** An AppError as the dry run reports it; anything else is a real failure. */
const reported = (error: unknown) => {
  if (!(error instanceof AppError)) throw error
  return describeError(error)
}

/**
 * The dry run of one request: whether it authenticates (reported, not enforced), the alerts it
 * yields, and for each what delivery would decide and send to Halo now; for a Halo ticket event,
 * the change to the state and the call that would resolve the alert at its source. Writes
 * nothing, queues nothing, calls neither Halo nor a source.
 */
export const previewWebhook = async (
  compiled: CompiledRoute,
  request: InboundRequest,
  deps: {
    secrets: SecretStore
    store: CorrelationStore
    routes: ReadonlyMap<string, CompiledRoute>
    now: () => Date
  },
) => {
  const route = await routeWithSender(compiled)
  const context = { ...(await sourceContext(route, deps)), dryRun: true }
  const handshake = route.source.handshake?.(request, context)
  if (handshake) return { route: route.name, handshake }
  const verdict = await authenticate(route, request, context).catch((error: unknown) => ({
    ok: false as const,
    ...reported(error),
  }))
  const result = verdict.ok
    ? { route: route.name, authenticated: true }
    : { route: route.name, authenticated: false, rejected: verdict }
  const read = await readWebhook(route, request, context).catch((error: unknown) => ({
    kind: 'error' as const,
    error: reported(error),
  }))
  if (read.kind === 'ticketEvent') {
    // A Halo ticket event: the change it makes, and whether the alert's source would be told.
    return { ...result, ...read, plan: await previewTicketEvent(read.envelope, route, deps) }
  }
  if (read.kind !== 'envelopes') return { ...result, ...read }
  const plans = []
  // Each alert is planned on the state the ones before it would leave, as delivery takes them.
  const carried = new Map<string, CorrelationRecord>()
  for (const envelope of read.envelopes) {
    plans.push(await previewDelivery(envelope, route, { ...deps, carried }))
  }
  return { ...result, type: read.type, alerts: read.envelopes.map((e) => e.alert), plans }
}
