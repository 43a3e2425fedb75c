import type { DeliveryRoute } from '../config/compile-config.js'
import { envelopeKey, type TicketEventEnvelope } from '../envelope.js'
import { StateConflictError } from '../errors.js'
import type { CorrelationRecord, CorrelationStore } from '../lifecycle/correlation-store.js'
import { decideTicketChange } from '../lifecycle/ticket-event-change.js'
import type { Logger } from '../observability.js'
import type { ResolveAtSourceFn } from '../outbound/resolve-at-source.js'
import type { DeliveryOutcome } from './deliver-envelope.js'
import { type TellSourceResult, tellSource } from './tell-source.js'
import { settleRecord, type WriteReceipts } from './write-receipts.js'

export type ApplyTicketEventDeps = {
  store: CorrelationStore
  logger: Logger
  now: () => Date
  routes: ReadonlyMap<string, DeliveryRoute>
  /** Resolves an alert at its source, for routes with `resolveAtSource`. */
  resolveAtSource: ResolveAtSourceFn
  /** Where our own last write on a problem is known done, so its state counts as stored. */
  receipts?: WriteReceipts
}

/**
 * Applies one Halo ticket event to the stored state of the problem that owns the ticket (found
 * through the store's ticket index), without any Halo request: the decision is
 * `decideTicketChange`'s, the write conditional on the version read. Resolves `recorded` when the
 * state changed and `suppressed` with the reason when the event changes nothing (not our
 * ticket, our own change, out of date, or the state already held, when only the time it was
 * confirmed is stored). Throws `StateConflictError` (retryable, so the queue
 * tries again) when one of our writes on that problem is in flight or the record changed under it.
 *
 * A technician's close of a ticket whose route has `resolveAtSource` is stored together with the
 * duty to tell the source; the source is then told (`tellSource`) and the answer stored. When
 * that call fails the event is deferred or parked with the call's error, and its next attempt
 * finds the close applied and the source still untold, and only tells the source.
 */
export const applyTicketEvent = async (
  envelope: TicketEventEnvelope,
  route: DeliveryRoute,
  deps: ApplyTicketEventDeps,
): Promise<DeliveryOutcome> => {
  const { ticketEvent: event } = envelope
  // Our last write on the problem may be on record only by its receipt (write receipts): its
  // state is the one to compare the event with, and this write stores it.
  const record = await settleRecord(await deps.store.findByTicket(event.ticketId), deps.receipts)
  const owner = record && deps.routes.get(record.route)
  const about = record
    ? { route: record.route, key: record.key }
    : { route: envelope.route, key: envelopeKey(envelope) }
  const base = { envelopeId: envelope.id, ...about, ticketId: event.ticketId }
  if (record && !owner) {
    return audit(deps.logger, {
      ...base,
      outcome: 'suppressed',
      action: 'ignore',
      reason: `route "${record.route}" that owns the ticket is no longer configured`,
    })
  }
  if (record && untoldDutyOf(record, envelope)) {
    // This event's close is stored; an earlier attempt did not get the source's answer.
    const told = await tellSource(record, owner, deps)
    return audit(deps.logger, {
      ...base,
      outcome: 'recorded',
      action: 'apply',
      reason: withTold('closed in Halo', told),
    })
  }
  const change = ticketChangeFor(envelope, route, record, owner, deps.now())
  if (change.kind === 'wait') {
    throw new StateConflictError(`ticket ${event.ticketId}'s event waits: ${change.reason}`)
  }
  if (change.kind === 'ignore' || !record) {
    return audit(deps.logger, {
      ...base,
      outcome: 'suppressed',
      action: 'ignore',
      reason: change.reason,
    })
  }
  const { version } = record
  const written = { ...change.next, version: version + 1 }
  if (!(await deps.store.put(written, version))) {
    throw new StateConflictError(`correlation record ${record.route}/${record.key} changed`)
  }
  const told =
    written.sourceResolve?.changeId === envelope.id
      ? await tellSource(written, owner, deps)
      : undefined
  return audit(deps.logger, {
    ...base,
    // A confirmation changed no state, only when it was last seen.
    outcome: change.kind === 'apply' ? 'recorded' : 'suppressed',
    action: change.kind,
    reason: withTold(change.reason, told),
  })
}

/** The audit reason, with what the source did when it was told. */
const withTold = (reason: string, told: TellSourceResult | undefined): string => {
  if (!told) return reason
  if (told.kind === 'dropped') return `${reason}; ${told.reason}`
  return `${reason}; at the source (${told.target}): ${told.outcome} ${told.reference}`
}

/** The duty to tell the source that this event's close left on the record, if still untold. */
export const untoldDutyOf = (record: CorrelationRecord, envelope: TicketEventEnvelope) => {
  const duty = record.sourceResolve
  return duty?.changeId === envelope.id && !duty.toldAt ? duty : undefined
}

/**
 * What a ticket event changes in `record`, the record its ticket index points at (owned by
 * `owner`), as deliver decides it; the dry run shows the same decision.
 */
export const ticketChangeFor = (
  envelope: TicketEventEnvelope,
  route: DeliveryRoute,
  record: CorrelationRecord | undefined,
  owner: DeliveryRoute | undefined,
  now: Date,
) =>
  decideTicketChange({
    record,
    event: envelope.ticketEvent,
    envelopeId: envelope.id,
    // Without a record the policy is never read; any route's would do.
    policy: (owner ?? route).lifecycle,
    ownAgentId: route.haloAgentId,
    resolvesAtSource: owner?.resolveAtSource !== undefined,
    now,
  })

const audit = (logger: Logger, outcome: DeliveryOutcome): DeliveryOutcome => {
  logger.info(`ticket event ${outcome.outcome}`, { ...outcome })
  return outcome
}
