import type { TicketEvent } from '../ticket-event.js'
import { wasApplied } from './applied-ids.js'
import type { CorrelationRecord, CorrelationState } from './correlation-store.js'
import { baseState } from './effects.js'
import type { LifecyclePolicy } from './lifecycle-policy.js'

/** What Halo says became of a ticket: still (or again) open, closed, deleted, or merged away. */
export type TicketCondition = 'open' | 'closed' | 'deleted' | 'merged'

/**
 * What a ticket event does to the problem that owns the ticket. `apply`: store `next`, a new
 * state (Halo was not asked anything). `confirm`: the event reports the state already held (our
 * own write coming back, or a second event for one change); `next` only remembers when Halo
 * confirmed it, so an older event arriving later is known to be older. `ignore`: nothing
 * changes, `reason` says why. `wait`: a Halo write of ours is in flight on that problem; apply
 * the event once it is done, so the write's stored next state cannot overwrite what it says.
 */
export type TicketChange =
  | { kind: 'apply'; condition: TicketCondition; reason: string; next: CorrelationState }
  | { kind: 'confirm'; condition: TicketCondition; reason: string; next: CorrelationState }
  | { kind: 'ignore'; reason: string }
  | { kind: 'wait'; reason: string }

export type TicketChangeKind = TicketChange['kind']

export type TicketChangeInput = {
  /** The record the ticket index points at, if any. */
  record: CorrelationRecord | undefined
  event: TicketEvent
  envelopeId: string
  /** The lifecycle of the route that owns the record (which status closes a ticket). */
  policy: Pick<LifecyclePolicy, 'closedStatusId'>
  /** The Halo agent halo-hooks acts as, when known: its changes come back as events too. */
  ownAgentId?: number
  /**
   * The owning route resolves its alerts at their source (`resolveAtSource`): a close applied
   * also stores the duty to tell the source (`sourceResolve`), in the same write.
   */
  resolvesAtSource?: boolean
  now: Date
}

/**
 * What the event says about the ticket, from the strongest evidence present: what happened to
 * it (deleted, merged), then its state (closed by Halo's flag or the closing status, as the
 * recheck reads a ticket), then the event's name. A status given only by its display name says
 * nothing: names are per instance and may be renamed, so guessing could close a problem that is
 * not closed.
 */
export const ticketCondition = (
  event: TicketEvent,
  closedStatusId: number,
): TicketCondition | undefined => {
  if (event.implies === 'deleted' || event.implies === 'merged') return event.implies
  if (event.hasBeenClosed === true || event.statusId === closedStatusId) return 'closed'
  if (event.hasBeenClosed === false || event.statusId !== undefined) return 'open'
  return event.implies
}

const ignore = (reason: string): TicketChange => ({ kind: 'ignore', reason })

/**
 * Decides what one Halo ticket event changes in the stored state of the problem that owns the
 * ticket. Pure: record, event, policy and clock in; a change out. It never asks Halo, so a
 * technician's close costs no Halo request. Used by deliver for Halo's webhooks; a sweep that
 * re-reads tickets can describe what it read as a {@link TicketEvent} and reuse it.
 *
 * Changes only a record whose current ticket is the event's ticket. Our own changes coming back
 * (our reference or agent on it, or a state we already hold) and events older than the last one
 * applied change nothing.
 */
export const decideTicketChange = (input: TicketChangeInput): TicketChange => {
  const { record, event, envelopeId, policy, now } = input
  if (!record) return ignore(`ticket ${event.ticketId} is not one halo-hooks opened`)
  if (record.ticketId !== event.ticketId) {
    return ignore(
      `ticket ${event.ticketId} no longer tracks ${record.route}/${record.key}` +
        (record.ticketId === undefined ? '' : ` (ticket ${record.ticketId} does)`),
    )
  }
  if (wasApplied(record, envelopeId)) return ignore('event already applied')
  if (event.ourReference) return ignore('our own change (our reference is on it)')
  if (input.ownAgentId !== undefined && event.agentId === input.ownAgentId) {
    return ignore('our own change (made by our agent)')
  }
  if (record.pending) {
    return { kind: 'wait', reason: `a ${record.pending.command.kind} of ours is in flight` }
  }
  if (record.haloEventAt !== undefined && event.occurredAt <= record.haloEventAt) {
    return ignore(`older than the last event applied (${record.haloEventAt})`)
  }
  const condition = ticketCondition(event, policy.closedStatusId)
  if (!condition) {
    return ignore(
      event.statusName !== undefined
        ? 'status sent as a display value only (choose ids in the Halo webhook)'
        : 'the event says nothing about whether the ticket is open',
    )
  }

  const at = now.toISOString()
  const base = baseState(record, { route: record.route, key: record.key, envelopeId, at })
  const seen = { checkedAt: at, haloEventAt: event.occurredAt }
  const confirm = (): TicketChange => ({
    kind: 'confirm',
    condition,
    reason: `already ${record.state}`,
    next: { ...base, ...seen },
  })
  switch (condition) {
    case 'open':
      if (record.state === 'open') return confirm()
      if (record.state !== 'closed') return ignore(`already ${record.state}`)
      // A status change from before the close we hold (ours, say) is not a reopen.
      if (record.closedAt !== undefined && event.occurredAt <= record.closedAt) {
        return ignore(`older than the close held (${record.closedAt})`)
      }
      return {
        kind: 'apply',
        condition,
        reason: 'reopened in Halo',
        next: {
          ...base,
          ...seen,
          state: 'open',
          closedAt: undefined,
          // The source is not told of a close that was taken back before it was told.
          sourceResolve: record.sourceResolve?.toldAt ? record.sourceResolve : undefined,
        },
      }
    case 'closed': {
      if (record.state === 'closed') return confirm()
      if (record.state !== 'open') return ignore(`no open ticket (${record.state})`)
      // A close from before the ticket was (re)opened for this problem is about an earlier one.
      if (event.occurredAt < record.firstSeen) {
        return ignore(`older than the open ticket held (since ${record.firstSeen})`)
      }
      // When Halo closed it, not when we heard: the reopen window counts from the close.
      const closedAt =
        [event.closedAt, event.occurredAt].find((time) => time !== undefined && time <= at) ?? at
      // Only a close someone else made gets here (ours came back as a confirmation or with our
      // reference), so telling the source can never echo a resolve the source sent us.
      const sourceResolve = input.resolvesAtSource
        ? { changeId: envelopeId, event: 'closed' as const, ticketId: event.ticketId, at: closedAt }
        : undefined
      return {
        kind: 'apply',
        condition,
        reason: 'closed in Halo',
        next: {
          ...base,
          ...seen,
          state: 'closed',
          closedAt,
          ...(sourceResolve ? { sourceResolve } : {}),
        },
      }
    }
    case 'merged':
      if (event.mergedInto !== undefined && record.state === 'open') {
        // The technician kept the other ticket: notes of this problem go there from now on.
        return {
          kind: 'apply',
          condition,
          reason: `merged into ticket ${event.mergedInto} in Halo`,
          next: { ...base, ...seen, ticketId: event.mergedInto },
        }
      }
      return forget(base, seen, 'merged', 'merged away in Halo')
    case 'deleted':
      return forget(base, seen, 'deleted', 'deleted in Halo')
  }
}

/** The ticket is gone: the next firing opens a new one (never reopens, never links it). */
const forget = (
  base: CorrelationState,
  seen: Pick<CorrelationState, 'checkedAt' | 'haloEventAt'>,
  condition: 'deleted' | 'merged',
  reason: string,
): TicketChange => ({
  kind: 'apply',
  condition,
  reason,
  next: { ...base, ...seen, state: 'resolved', ticketId: undefined, closedAt: undefined },
})
