import type { DeliveryRoute } from '../config/compile-config.js'
import type { TicketEventEnvelope } from '../envelope.js'
import type { CorrelationRecord, CorrelationStore } from '../lifecycle/correlation-store.js'
import { ticketChangeFor, untoldDutyOf } from './apply-ticket-event.js'
import { sourceCallOf } from './tell-source.js'

/** The call that would tell the source, without its credentials. */
const sourceCall = (
  record: CorrelationRecord,
  duty: NonNullable<CorrelationRecord['sourceResolve']>,
  owner: DeliveryRoute,
) => {
  if (!owner.resolveAtSource) return undefined
  const { target, alert, ticket, what } = sourceCallOf(record, duty, {
    route: owner.name,
    config: owner.resolveAtSource,
  })
  return { ...target, alert, ticket, change: what }
}

/**
 * What delivering a Halo ticket event would do now, without any write and without calling Halo
 * or the source: the problem that owns the ticket, the change to its state, and the call that
 * would resolve the alert at its source (`resolveAtSource`) when the event is a technician's
 * close on a route that has one.
 */
export const previewTicketEvent = async (
  envelope: TicketEventEnvelope,
  route: DeliveryRoute,
  deps: {
    store: CorrelationStore
    routes: ReadonlyMap<string, DeliveryRoute>
    now: () => Date
  },
) => {
  const { ticketEvent } = envelope
  const record = await deps.store.findByTicket(ticketEvent.ticketId)
  const owner = record && deps.routes.get(record.route)
  const base = {
    envelopeId: envelope.id,
    ticketId: ticketEvent.ticketId,
    owner: record ? { route: record.route, key: record.key, state: record.state } : null,
  }
  if (record && !owner) {
    return {
      ...base,
      change: { kind: 'ignore', reason: `route "${record.route}" is no longer configured` },
    }
  }
  const untold = record && untoldDutyOf(record, envelope)
  if (record && owner && untold) {
    return {
      ...base,
      change: { kind: 'apply', reason: 'closed in Halo (stored; the source is not told yet)' },
      resolveAtSource: sourceCall(record, untold, owner),
    }
  }
  const change = ticketChangeFor(envelope, route, record, owner, deps.now())
  const duty = change.kind === 'apply' ? change.next.sourceResolve : undefined
  const tell =
    record && owner && duty?.changeId === envelope.id && change.kind === 'apply'
      ? sourceCall({ ...change.next, version: record.version }, duty, owner)
      : undefined
  return {
    ...base,
    change: {
      kind: change.kind,
      reason: change.reason,
      ...('condition' in change ? { condition: change.condition } : {}),
      ...(change.kind === 'apply' || change.kind === 'confirm'
        ? { next: { state: change.next.state, ticketId: change.next.ticketId } }
        : {}),
    },
    ...(tell ? { resolveAtSource: tell } : {}),
  }
}
