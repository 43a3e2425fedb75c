import type { Alert } from '../alert.js'
import type { CorrelationRecord } from './correlation-store.js'
import type { LifecyclePolicy, NoisePolicy } from './lifecycle-policy.js'
import { activeWindow } from './maintenance.js'

/** What to do in Halo for one event, decided from the stored state alone. */
export type LifecycleDecision =
  /** This envelope was applied before (a redelivery): nothing to do. */
  | { kind: 'duplicate' }
  /** Dropped by a rule; nothing is recorded. */
  | { kind: 'suppress'; rule: string }
  /** Only the stored state changes (counted, below threshold, resolved without a ticket...). */
  | { kind: 'record'; reason: string }
  | { kind: 'create'; previousTicketId?: number }
  | { kind: 'note'; ticketId: number; occurrences: number; since: number }
  | { kind: 'close'; ticketId: number }
  | { kind: 'resolveNote'; ticketId: number }
  | { kind: 'reopen'; ticketId: number }

export type LifecycleInput = {
  record: CorrelationRecord | undefined
  route: string
  alert: Pick<Alert, 'key' | 'status'>
  envelopeId: string
  policy: LifecyclePolicy
  noise: NoisePolicy
  now: Date
}

/** A record without its version: what to write once the decision has been carried out. */
export type NextRecord = Omit<CorrelationRecord, 'version'>

export type LifecyclePlan = {
  decision: LifecycleDecision
  /** The record to store after the decision succeeded, given the ticket id it produced. */
  next: (ticketId?: number) => NextRecord | undefined
}

const APPLIED_KEPT = 50
const MINUTE = 60_000

const appended = (applied: readonly string[], id: string) => [...applied, id].slice(-APPLIED_KEPT)

/** A record whose stored state of the ticket is older than the policy allows. */
export const needsRecheck = (record: CorrelationRecord, policy: LifecyclePolicy, now: Date) =>
  record.state === 'open' &&
  record.ticketId !== undefined &&
  now.getTime() - Date.parse(record.checkedAt ?? record.lastSeen) >=
    policy.recheckAfterMinutes * MINUTE

/**
 * The lifecycle of one (route, key): create when a problem starts, note when it repeats (at most
 * one note per interval), close when it resolves, and a new ticket (or a reopen) when it returns.
 * Pure: state, event, policy and clock in; a decision and the state to store after it out.
 */
export const planLifecycle = (input: LifecycleInput): LifecyclePlan => {
  const { record, alert, envelopeId, policy, noise, now } = input
  const at = now.toISOString()
  if (record?.applied.includes(envelopeId))
    return { decision: { kind: 'duplicate' }, next: () => undefined }

  const base: NextRecord = record
    ? { ...record, pending: undefined, applied: appended(record.applied, envelopeId) }
    : {
        route: input.route,
        key: alert.key,
        state: 'resolved',
        occurrences: 0,
        firstSeen: at,
        lastSeen: at,
        applied: [envelopeId],
      }
  const only = (reason: string, next: NextRecord): LifecyclePlan => ({
    decision: { kind: 'record', reason },
    next: () => next,
  })

  if (alert.status === 'resolved') {
    if (record?.state === 'open' && record.ticketId !== undefined) {
      const ticketId = record.ticketId
      if (policy.resolve === 'ignore')
        return only('resolve ignored by policy', { ...base, lastSeen: at })
      if (policy.resolve === 'note') {
        return {
          decision: { kind: 'resolveNote', ticketId },
          next: () => ({ ...base, lastSeen: at, checkedAt: at }),
        }
      }
      return {
        decision: { kind: 'close', ticketId },
        next: () => ({ ...base, state: 'closed', lastSeen: at, closedAt: at, checkedAt: at }),
      }
    }
    const state = record?.state === 'closed' ? 'closed' : 'resolved'
    return only('resolved with no open ticket', { ...base, state, lastSeen: at })
  }

  const window = activeWindow(noise.maintenance, now)
  if (window?.action === 'drop')
    return {
      decision: { kind: 'suppress', rule: 'maintenance window (drop)' },
      next: () => undefined,
    }

  if (record?.state === 'open' && record.ticketId !== undefined) {
    const ticketId = record.ticketId
    const occurrences = record.occurrences + 1
    const counted = { ...base, occurrences, lastSeen: at }
    if (window) return only('maintenance window (count)', counted)
    const lastNoted = record.lastNotedAt ? Date.parse(record.lastNotedAt) : Number.NEGATIVE_INFINITY
    const due = now.getTime() - lastNoted >= policy.noteEveryMinutes * MINUTE
    if (policy.repeat === 'count' || !due) {
      return only(
        policy.repeat === 'count' ? 'repeat counted by policy' : 'repeat counted (noted recently)',
        counted,
      )
    }
    return {
      decision: { kind: 'note', ticketId, occurrences, since: record.notedOccurrences ?? 1 },
      next: () => ({ ...counted, lastNotedAt: at, notedOccurrences: occurrences }),
    }
  }

  if (
    record?.state === 'closed' &&
    record.ticketId !== undefined &&
    policy.afterClosed === 'reopen' &&
    now.getTime() - Date.parse(record.closedAt ?? record.lastSeen) <
      policy.reopenWithinMinutes * MINUTE &&
    !window
  ) {
    const ticketId = record.ticketId
    return {
      decision: { kind: 'reopen', ticketId },
      next: () => ({
        ...base,
        state: 'open',
        occurrences: 1,
        firstSeen: at,
        lastSeen: at,
        checkedAt: at,
        lastNotedAt: undefined, // the first repeat after a reopen is noted
        notedOccurrences: 1,
        closedAt: undefined,
      }),
    }
  }

  // A new problem, or one still building up to the occurrence threshold.
  const building =
    (record?.state === 'pending' || record?.state === 'suppressed') &&
    now.getTime() - Date.parse(record.firstSeen) < noise.withinMinutes * MINUTE
  const occurrences = building && record ? record.occurrences + 1 : 1
  const firstSeen = building && record ? record.firstSeen : at
  if (window) {
    return only('maintenance window (count)', {
      ...base,
      state: 'suppressed',
      occurrences,
      firstSeen,
      lastSeen: at,
    })
  }
  if (occurrences < noise.minOccurrences) {
    return only(
      `below threshold (${occurrences} of ${noise.minOccurrences} within ${noise.withinMinutes} min)`,
      {
        ...base,
        state: 'pending',
        occurrences,
        firstSeen,
        lastSeen: at,
      },
    )
  }
  const previousTicketId =
    record?.state === 'closed' && policy.linkPrevious ? record.ticketId : undefined
  return {
    decision: { kind: 'create', ...(previousTicketId === undefined ? {} : { previousTicketId }) },
    next: (ticketId) => ({
      ...base,
      ticketId,
      state: 'open',
      occurrences,
      firstSeen,
      lastSeen: at,
      checkedAt: at,
      lastNotedAt: undefined, // the first repeat is always noted, later ones once per interval
      notedOccurrences: occurrences,
      closedAt: undefined,
    }),
  }
}
