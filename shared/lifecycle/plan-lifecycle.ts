import type { Alert } from '../alert.js'
import type { HaloTicketInput } from '../halo/schemas.js'
import { wasApplied } from './applied-ids.js'
import { decideDeferred, deferOutOfHours } from './business-hours.js'
import type { CorrelationRecord, CorrelationState, HeartbeatState } from './correlation-store.js'
import { decideFlapping } from './flapping.js'
import type { GroupPolicy } from './group-policy.js'
import { decideIncident, type IncidentChange, isLastFiring } from './incident.js'
import type { BusinessHours, LifecyclePolicy, NoisePolicy } from './lifecycle-policy.js'
import { activeWindow } from './maintenance.js'
import { decideQuietResolve } from './quiet-resolve.js'
import type { TicketWork } from './ticket-work.js'

/** How a decision that only changes the stored state changes it (besides `lastSeen`). */
export type RecordedChange = Partial<
  Pick<
    CorrelationState,
    | 'state'
    | 'occurrences'
    | 'firstSeen'
    | 'closeAt'
    | 'flap'
    | 'deferred'
    | 'incident'
    | 'heartbeat'
    | 'dueHeld'
  >
>

/** On a decision about an incident (a `group` policy): its members to name and its next state. */
type AboutIncident = { incident?: IncidentChange }

/**
 * What to do for one event, decided from the stored state alone. What each kind does in Halo and
 * to the stored state is in the effect table (`effects.ts`).
 */
export type LifecycleDecision =
  /** This envelope was applied before (a redelivery): nothing to do. */
  | { kind: 'duplicate' }
  /** Dropped by a rule; nothing is recorded. */
  | { kind: 'suppress'; rule: string }
  /** Only the stored state changes (counted, below threshold, resolved without a ticket...). */
  | { kind: 'record'; reason: string; change: RecordedChange }
  /** A new ticket for a problem that has `occurrences` firings since `firstSeen`. */
  | ({
      kind: 'create'
      occurrences: number
      firstSeen: string
      previousTicketId?: number
    } & AboutIncident)
  /**
   * A "recurred" note: `occurrences` in total, `since` of them already noted. On an incident, the
   * merged note naming the members that joined.
   */
  | ({ kind: 'note'; ticketId: number; occurrences: number; since: number } & AboutIncident)
  /**
   * A close, or a note on resolve; `unnoted`: repeats counted since the last note. `workedBy`:
   * the ticket stays open because this person worked it (`resolve: close-if-untouched`).
   */
  | ({ kind: 'close'; ticketId: number; unnoted?: number } & AboutIncident)
  | ({ kind: 'resolveNote'; ticketId: number; unnoted?: number; workedBy?: string } & AboutIncident)
  | ({ kind: 'reopen'; ticketId: number } & AboutIncident)
  /** A heartbeat's ping: only its state changes (the deadline moves). */
  | { kind: 'ping'; heartbeat: HeartbeatState }
  /**
   * A heartbeat's deadline passed without a ping: a ticket for the silence since `since` (the
   * last ping); `heartbeat`: its state from now on (the deadline cleared, `missedAt` set).
   */
  | { kind: 'heartbeatMissed'; since: string; heartbeat: HeartbeatState; previousTicketId?: number }
  /** A ping for a heartbeat whose missed ticket is open: the ticket closes. */
  | { kind: 'heartbeatBack'; ticketId: number; since: string; heartbeat: HeartbeatState }
  /**
   * Out of business hours (`outOfHours: defer`): no ticket until `until`, when a timer creates
   * `ticket` (rendered for that instant when the alert arrived).
   */
  | {
      kind: 'defer'
      until: string
      occurrences: number
      firstSeen: string
      previousTicketId?: number
      ticket?: HaloTicketInput
    }
  /**
   * The problem is flapping (`changes` status changes within `withinMinutes`): one note says
   * so, and the ticket is held open (`reopen`: reopened) until the status holds until `stableAt`.
   */
  | {
      kind: 'flapping'
      ticketId: number
      changes: number
      withinMinutes: number
      stableAt: string
      reopen: boolean
    }
  /**
   * A timer ends a wait: the status held `minutes` after flapping (`stable`) or after a resolve
   * (`quiet`); the ticket is closed (`close`) or told it stays open.
   */
  | {
      kind: 'settle'
      ticketId: number
      why: 'stable' | 'quiet'
      minutes: number
      status: 'firing' | 'resolved'
      close: boolean
      unnoted?: number
    }

export type LifecycleKind = LifecycleDecision['kind']

export type LifecycleInput = {
  record: CorrelationRecord | undefined
  /**
   * The event's alert: its severity decides whether business hours may defer its ticket (none:
   * never deferred); its key, title and group matter only to an incident's decisions.
   */
  alert: Pick<Alert, 'status'> & { severity?: Alert['severity'] } & Partial<
      Pick<Alert, 'key' | 'title' | 'group'>
    >
  envelopeId: string
  policy: LifecyclePolicy
  noise: NoisePolicy
  /** The route's business hours, when it has them. */
  hours?: BusinessHours | undefined
  now: Date
  /**
   * Halo's rate budget is under pressure: a repeat that would be noted is only counted, and the
   * next note (or the close) says how many came since. Creates and closes are never held back.
   */
  haloBusy?: boolean
  /**
   * Whether a person has worked the open ticket, read from Halo before deciding; only
   * `resolve: close-if-untouched` asks. Unknown counts as worked: it never closes blind.
   */
  work?: TicketWork
  /**
   * The route's incident grouping: an alert with a group (rendered at ingest) is decided as a
   * member of its incident (`decideIncident`).
   */
  group?: GroupPolicy
}

/**
 * Whether this event needs the ticket's work read from Halo before it can be decided (a resolve
 * held while the problem flaps closes nothing, so it reads nothing; on an incident, only the
 * resolve of its last firing member).
 */
export const needsWorkCheck = (
  record: CorrelationRecord | undefined,
  alert: Pick<Alert, 'status'> & Partial<Pick<Alert, 'key'>>,
  policy: LifecyclePolicy,
): record is CorrelationRecord & { ticketId: number } =>
  policy.resolve === 'close-if-untouched' &&
  alert.status === 'resolved' &&
  record?.state === 'open' &&
  record.ticketId !== undefined &&
  record.flap?.stableAt === undefined &&
  (record.incident === undefined ||
    alert.key === undefined ||
    isLastFiring(record.incident, alert.key))

const MINUTE = 60_000

/**
 * Whether a firing reopens the problem's closed ticket (`afterClosed: reopen`) rather than open a
 * new one: it was closed less than `reopenWithinMinutes` ago.
 */
export const reopensClosed = (
  record: CorrelationRecord | undefined,
  policy: Pick<LifecyclePolicy, 'afterClosed' | 'reopenWithinMinutes'>,
  now: Date,
): record is CorrelationRecord & { ticketId: number } =>
  record?.state === 'closed' &&
  record.ticketId !== undefined &&
  policy.afterClosed === 'reopen' &&
  now.getTime() - Date.parse(record.closedAt ?? record.lastSeen) <
    policy.reopenWithinMinutes * MINUTE

/** A record whose stored state of the ticket is older than the policy allows. */
export const needsRecheck = (record: CorrelationRecord, policy: LifecyclePolicy, now: Date) =>
  record.state === 'open' &&
  record.ticketId !== undefined &&
  now.getTime() - Date.parse(record.checkedAt ?? record.lastSeen) >=
    policy.recheckAfterMinutes * MINUTE

/**
 * The lifecycle of one (route, key): create when a problem starts, note when it repeats (at most
 * one note per interval), close when it resolves, and a new ticket (or a reopen) when it returns.
 * Pure: state, event, policy and clock in; a decision out.
 */
export const decideLifecycle = (input: LifecycleInput): LifecycleDecision => {
  const { record, alert, envelopeId, policy, noise, now } = input
  const { key, title, group: groupKey } = alert
  if (input.group && groupKey !== undefined && key !== undefined && title !== undefined) {
    return decideIncident({
      ...input,
      alert: { key, title, status: alert.status },
      groupKey,
      group: input.group,
    })
  }
  const at = now.toISOString()
  if (record && wasApplied(record, envelopeId)) return { kind: 'duplicate' }
  // Policies that hold the usual course back: a deferred create, flapping, a quiet resolve.
  const held = decideDeferred(input) ?? decideFlapping(input) ?? decideQuietResolve(input)
  if (held) return held
  const only = (reason: string, change: RecordedChange = {}): LifecycleDecision => ({
    kind: 'record',
    reason,
    change,
  })

  if (alert.status === 'resolved') {
    if (record?.state === 'open' && record.ticketId !== undefined) {
      const { ticketId } = record
      if (policy.resolve === 'ignore') return only('resolve ignored by policy')
      const unnoted = record.occurrences - (record.notedOccurrences ?? record.occurrences)
      const counted = unnoted > 0 ? { unnoted } : {}
      if (policy.resolve === 'close-if-untouched') {
        const { work = { worked: true, by: 'nobody we could check' } } = input
        if (!work.worked) return { kind: 'close', ticketId, ...counted }
        return { kind: 'resolveNote', ticketId, ...counted, workedBy: work.by }
      }
      return { kind: policy.resolve === 'note' ? 'resolveNote' : 'close', ticketId, ...counted }
    }
    const state = record?.state === 'closed' ? 'closed' : 'resolved'
    return only('resolved with no open ticket', { state })
  }

  const window = activeWindow(noise.maintenance, now)
  if (window?.action === 'drop') return { kind: 'suppress', rule: 'maintenance window (drop)' }

  if (record?.state === 'open' && record.ticketId !== undefined) {
    const occurrences = record.occurrences + 1
    if (window) return only('maintenance window (count)', { occurrences })
    const lastNoted = record.lastNotedAt ? Date.parse(record.lastNotedAt) : Number.NEGATIVE_INFINITY
    const due = now.getTime() - lastNoted >= policy.noteEveryMinutes * MINUTE
    if (policy.repeat === 'count') return only('repeat counted by policy', { occurrences })
    if (!due) return only('repeat counted (noted recently)', { occurrences })
    if (input.haloBusy)
      return only('repeat counted (Halo busy: the next note says so)', { occurrences })
    const since = record.notedOccurrences ?? 1
    return { kind: 'note', ticketId: record.ticketId, occurrences, since }
  }

  if (reopensClosed(record, policy, now) && !window) {
    return { kind: 'reopen', ticketId: record.ticketId }
  }

  // A new problem, or one still building up to the occurrence threshold.
  const building =
    (record?.state === 'pending' || record?.state === 'suppressed') &&
    now.getTime() - Date.parse(record.firstSeen) < noise.withinMinutes * MINUTE
  const occurrences = building && record ? record.occurrences + 1 : 1
  const firstSeen = building && record ? record.firstSeen : at
  if (window) {
    return only('maintenance window (count)', { state: 'suppressed', occurrences, firstSeen })
  }
  if (occurrences < noise.minOccurrences) {
    return only(
      `below threshold (${occurrences} of ${noise.minOccurrences} within ${noise.withinMinutes} min)`,
      { state: 'pending', occurrences, firstSeen },
    )
  }
  const previousTicketId =
    record?.state === 'closed' && policy.linkPrevious ? record.ticketId : undefined
  return deferOutOfHours(input, {
    kind: 'create',
    occurrences,
    firstSeen,
    ...(previousTicketId === undefined ? {} : { previousTicketId }),
  })
}
