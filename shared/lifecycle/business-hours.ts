import type { CorrelationRecord, CorrelationState } from './correlation-store.js'
import type { BusinessHours } from './lifecycle-policy.js'
import { activeWindow } from './maintenance.js'
import type { LifecycleDecision, LifecycleInput } from './plan-lifecycle.js'
import { inWeekly, nextStart } from './weekly-hours.js'

/** Whether `at` falls in the route's business hours. Pure: the caller passes the instant. */
export const inBusinessHours = (hours: BusinessHours, at: Date): boolean =>
  hours.weekly.some((span) => inWeekly(span, hours.timezone, at))

/**
 * When business hours next begin after `at` (daylight saving time included), or undefined when
 * `at` is in them already.
 */
export const nextOpening = (hours: BusinessHours, at: Date): Date | undefined =>
  inBusinessHours(hours, at) ? undefined : nextStart(hours.weekly, hours.timezone, at)

/** Whether this severity's ticket waits for business hours on this route. */
const deferrable = (input: LifecycleInput): input is LifecycleInput & { hours: BusinessHours } =>
  input.hours?.outOfHours === 'defer' &&
  input.alert.severity !== undefined &&
  input.hours.deferSeverities.includes(input.alert.severity)

/**
 * A create decided out of business hours, for a severity the route defers: held until hours
 * begin (`defer`). Any other create goes through as decided.
 */
export const deferOutOfHours = (
  input: LifecycleInput,
  create: Extract<LifecycleDecision, { kind: 'create' }>,
): LifecycleDecision => {
  if (!deferrable(input)) return create
  const until = nextOpening(input.hours, input.now)
  if (!until) return create
  const { kind: _create, ...problem } = create
  return { ...problem, kind: 'defer', until: until.toISOString() }
}

/**
 * The create a deferred record holds, as a decision. A timer opens the ticket kept in the state
 * (`keptTicketOf`); a firing renders its own.
 */
const createOf = (
  record: CorrelationRecord,
  occurrences: number,
): Extract<LifecycleDecision, { kind: 'create' }> => {
  const previousTicketId = record.deferred?.previousTicketId
  return {
    kind: 'create',
    occurrences,
    firstSeen: record.firstSeen,
    ...(previousTicketId === undefined ? {} : { previousTicketId }),
  }
}

/**
 * An alert for a problem whose ticket is deferred: a resolve means no ticket at all; a firing
 * is counted while hours have not begun, and creates the ticket once they have (the timer may
 * come later) or when its severity is no longer one that waits. During a maintenance window the
 * usual rules apply (maintenance wins over business hours).
 */
export const decideDeferred = (input: LifecycleInput): LifecycleDecision | undefined => {
  const { record, alert, now } = input
  if (record?.state !== 'deferred') return undefined
  if (alert.status === 'resolved') {
    return {
      kind: 'record',
      reason: 'resolved before business hours: no ticket',
      change: { state: 'resolved', deferred: undefined },
    }
  }
  if (activeWindow(input.noise.maintenance, now)) return undefined
  const occurrences = record.occurrences + 1
  const until = record.deferred?.until
  if (!deferrable(input)) return createOf(record, occurrences)
  if (until !== undefined && Date.parse(until) > now.getTime()) {
    return {
      kind: 'record',
      reason: `deferred until ${until} (business hours)`,
      change: { occurrences },
    }
  }
  // The opening passed without its timer (it was late, or the hours changed): out of hours
  // still, the wait moves to the next opening, as the timer would have moved it.
  const later = nextOpening(input.hours, now)
  if (later && record.deferred) {
    return {
      kind: 'record',
      reason: `business hours have not begun: deferred until ${later.toISOString()}`,
      change: { occurrences, deferred: { ...record.deferred, until: later.toISOString() } },
    }
  }
  return createOf(record, occurrences)
}

/**
 * A deferred record's opening has come: create the ticket it holds, unless a maintenance window
 * is on (maintenance wins: the problem is counted as suppressed, as a firing in it would be) or
 * the route's hours changed so that they have not begun (the wait moves to the new opening).
 */
export const dueDeferred = (
  record: CorrelationRecord,
  hours: BusinessHours | undefined,
  maintenance: Parameters<typeof activeWindow>[0],
  now: Date,
): LifecycleDecision | undefined => {
  const until = record.deferred?.until
  if (until === undefined || Date.parse(until) > now.getTime()) return undefined
  if (record.state !== 'deferred') {
    return { kind: 'record', reason: 'deferral moot', change: { deferred: undefined } }
  }
  if (activeWindow(maintenance, now)) {
    return {
      kind: 'record',
      reason: 'maintenance window when business hours began (count): no ticket',
      change: { state: 'suppressed', deferred: undefined },
    }
  }
  const later = hours && nextOpening(hours, now)
  if (later && record.deferred) {
    return {
      kind: 'record',
      reason: `business hours have not begun: deferred until ${later.toISOString()}`,
      change: { deferred: { ...record.deferred, until: later.toISOString() } },
    }
  }
  if (!record.deferred?.ticket) {
    return {
      kind: 'record',
      reason: 'deferred without a ticket to create',
      change: { state: 'resolved', deferred: undefined },
    }
  }
  return createOf(record, record.occurrences)
}

/** The state after an alert event: a problem no longer deferred keeps no deferred ticket. */
export const withDeferralTracked = (next: CorrelationState): CorrelationState =>
  next.deferred !== undefined && next.state !== 'deferred' ? { ...next, deferred: undefined } : next
