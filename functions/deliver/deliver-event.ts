import type { DeliveryRoute } from '../../shared/config/compile-config.js'
import {
  type DeliverEnvelopeDeps,
  type DeliveryOutcome,
  deliverEnvelope,
} from '../../shared/delivery/deliver-envelope.js'
import { describeIssues } from '../../shared/describe-issues.js'
import type { Envelope } from '../../shared/envelope.js'
import { readEnvelope } from '../../shared/envelope-reading.js'
import { PayloadError, UnknownRouteError } from '../../shared/errors.js'
import type { ResolveAtSourceFn } from '../../shared/outbound/resolve-at-source.js'

export type { DeliveryOutcome }

export type DeliverDeps = DeliverEnvelopeDeps & {
  routes: ReadonlyMap<string, DeliveryRoute>
  /** Tells an alert's source that its ticket was closed in Halo (routes with `resolveAtSource`). */
  resolveAtSource: ResolveAtSourceFn
}

/** Reads a queue message as an envelope; an unreadable one is permanent (parked with reason). */
export const decodeEnvelope = async (message: unknown): Promise<Envelope> => {
  let json = message
  if (typeof message === 'string') {
    try {
      json = JSON.parse(message)
    } catch {
      throw new PayloadError('body_invalid', 'queue message is not JSON')
    }
  }
  const result = await readEnvelope(json)
  if (!result.success) {
    throw new PayloadError(
      'payload_invalid',
      'queue message is not an envelope',
      describeIssues(result.error),
    )
  }
  return result.data
}

/**
 * Delivers one queue message: an alert to Halo, a timer (a problem's due time has come), or a
 * Halo ticket event to the stored state.
 * Resolves with what was done (delivered, deduplicated, suppressed or recorded); throws an
 * `AppError` otherwise, whose `retryable` flag decides between deferring and parking (see
 * classifyFailure).
 */
export const deliverEvent = async (
  message: unknown,
  deps: DeliverDeps,
): Promise<DeliveryOutcome> => {
  const envelope = await decodeEnvelope(message)
  const route = deps.routes.get(envelope.route)
  if (!route) throw new UnknownRouteError(`route "${envelope.route}" is no longer configured`)
  if (envelope.v === 1) return deliverEnvelope(envelope, route, deps)
  // Timers and Halo's ticket events come to a few routes, and to each far less often than alerts:
  // their code loads with the first of them, not at every cold start.
  if (envelope.v === 3) {
    const { deliverDue } = await import('../../shared/delivery/deliver-due.js')
    return deliverDue(envelope, route, deps)
  }
  const { applyTicketEvent } = await import('../../shared/delivery/apply-ticket-event.js')
  return applyTicketEvent(envelope, route, deps)
}
