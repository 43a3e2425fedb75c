import type { Alert } from '../alert.js'
import type { CorrelationRecord, CorrelationState } from './correlation-store.js'
import type { LifecyclePolicy } from './lifecycle-policy.js'
import type { LifecycleDecision, LifecycleInput } from './plan-lifecycle.js'

const MINUTE = 60_000

/**
 * `resolveAfterQuietMinutes`: a resolve while the ticket is open does not close it yet; the
 * close is due that many minutes after the first resolve (a later resolve does not push it).
 */
export const decideQuietResolve = (input: LifecycleInput): LifecycleDecision | undefined => {
  const { record, alert, now } = input
  const minutes = input.policy.resolveAfterQuietMinutes
  if (minutes === undefined || alert.status !== 'resolved') return undefined
  if (record?.state !== 'open' || record.ticketId === undefined) return undefined
  const closeAt = record.closeAt ?? new Date(now.getTime() + minutes * MINUTE).toISOString()
  return {
    kind: 'record',
    reason: `resolve held: the ticket closes at ${closeAt} unless it fires again`,
    change: { closeAt },
  }
}

/** The state after an alert event: a firing (or a ticket no longer open) cancels the close. */
export const withQuietResolveTracked = (
  next: CorrelationState,
  status: Alert['status'],
): CorrelationState =>
  next.closeAt !== undefined && (status === 'firing' || next.state !== 'open')
    ? { ...next, closeAt: undefined }
    : next

/** The quiet period after a resolve ended with no firing: the ticket is closed. */
export const dueQuietResolve = (
  record: CorrelationRecord,
  policy: Pick<LifecyclePolicy, 'resolveAfterQuietMinutes'>,
  now: Date,
): LifecycleDecision | undefined => {
  const { closeAt } = record
  if (closeAt === undefined || Date.parse(closeAt) > now.getTime()) return undefined
  if (record.state !== 'open' || record.ticketId === undefined) {
    return {
      kind: 'record',
      reason: 'quiet close moot: no open ticket',
      change: { closeAt: undefined },
    }
  }
  const unnoted = record.occurrences - (record.notedOccurrences ?? record.occurrences)
  return {
    kind: 'settle',
    ticketId: record.ticketId,
    why: 'quiet',
    minutes: policy.resolveAfterQuietMinutes ?? 0,
    status: 'resolved',
    close: true,
    ...(unnoted > 0 ? { unnoted } : {}),
  }
}
