import type { Alert } from '../alert.js'
import type { CorrelationRecord, CorrelationState } from './correlation-store.js'
import type { FlappingPolicy, LifecyclePolicy } from './lifecycle-policy.js'
import { activeWindow } from './maintenance.js'
import type { LifecycleDecision, LifecycleInput } from './plan-lifecycle.js'

const MINUTE = 60_000

type Status = Alert['status']

/** The status of the problem's last alert (read from its state when it kept none). */
const lastStatus = (record: CorrelationRecord): Status =>
  record.flap?.last ??
  (['open', 'pending', 'suppressed', 'deferred'].includes(record.state) ? 'firing' : 'resolved')

/** The problem's status changes within the policy's window, this event's included if it is one. */
const recentChanges = (
  record: CorrelationRecord | undefined,
  status: Status,
  now: Date,
  policy: FlappingPolicy,
): string[] => {
  const since = now.getTime() - policy.withinMinutes * MINUTE
  const kept = (record?.flap?.changes ?? []).filter((at) => Date.parse(at) > since)
  const changed = record !== undefined && lastStatus(record) !== status
  return (changed ? [...kept, now.toISOString()] : kept).slice(-policy.changes)
}

/**
 * Flapping (`noise.flapping`): the event that makes the `changes`-th status change within the
 * window notes the ticket once and holds it open (reopening it when the change is a firing after
 * its close); while it flaps, every event is only counted. Without a ticket there is no churn to
 * stop, so the usual rules apply; so do they to a firing in a maintenance window.
 */
export const decideFlapping = (input: LifecycleInput): LifecycleDecision | undefined => {
  const { record, alert, now } = input
  const policy = input.noise.flapping
  if (!policy || record?.ticketId === undefined) return undefined
  if (alert.status === 'firing' && activeWindow(input.noise.maintenance, now)) return undefined
  if (record.state === 'open' && record.flap?.stableAt !== undefined) {
    return {
      kind: 'record',
      reason: `flapping: held open until the status holds for ${policy.quietMinutes} min`,
      change: alert.status === 'firing' ? { occurrences: record.occurrences + 1 } : {},
    }
  }
  const changes = recentChanges(record, alert.status, now, policy)
  if (lastStatus(record) === alert.status || changes.length < policy.changes) return undefined
  const reopen = record.state === 'closed' && alert.status === 'firing'
  if (record.state !== 'open' && !reopen) return undefined
  return {
    kind: 'flapping',
    ticketId: record.ticketId,
    changes: changes.length,
    withinMinutes: policy.withinMinutes,
    stableAt: new Date(now.getTime() + policy.quietMinutes * MINUTE).toISOString(),
    reopen,
  }
}

/**
 * The state after an alert event, with its status change kept while the route watches for
 * flapping: while flapping, every change moves the end of the quiet period. A route without the
 * policy keeps nothing (and a record from when it had one drops what it kept).
 */
export const withFlapTracked = (
  next: CorrelationState,
  record: CorrelationRecord | undefined,
  status: Status,
  now: Date,
  policy: FlappingPolicy | undefined,
): CorrelationState => {
  if (!policy) return next.flap ? { ...next, flap: undefined } : next
  const changes = recentChanges(record, status, now, policy)
  const changed = record !== undefined && lastStatus(record) !== status
  const held = next.state === 'open' ? next.flap?.stableAt : undefined
  const stableAt =
    held && changed ? new Date(now.getTime() + policy.quietMinutes * MINUTE).toISOString() : held
  return { ...next, flap: { last: status, changes, ...(stableAt ? { stableAt } : {}) } }
}

/**
 * A flapping problem's quiet period ended without a status change: it settles to its last
 * status. A last resolve closes the ticket where the route closes on resolve (otherwise a note
 * says it is resolved and the ticket stays open); a last firing leaves it open with a note.
 */
export const dueFlapping = (
  record: CorrelationRecord,
  policy: Pick<LifecyclePolicy, 'resolve'>,
  flapping: FlappingPolicy | undefined,
  now: Date,
): LifecycleDecision | undefined => {
  const stableAt = record.flap?.stableAt
  if (!record.flap || stableAt === undefined || Date.parse(stableAt) > now.getTime()) {
    return undefined
  }
  const { last } = record.flap
  if (record.state !== 'open' || record.ticketId === undefined) {
    return { kind: 'record', reason: 'flapping over', change: { flap: { last, changes: [] } } }
  }
  return {
    kind: 'settle',
    ticketId: record.ticketId,
    why: 'stable',
    minutes: flapping?.quietMinutes ?? 0,
    status: last,
    close: last === 'resolved' && policy.resolve === 'close',
  }
}
