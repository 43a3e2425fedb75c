import type { AlertInput } from '../alert.js'
import { ALERT } from '../alert-reading.js'
import type { DeliveryRoute } from '../config/compile-config.js'
import type { AlertEnvelope, DueEnvelope } from '../envelope.js'
import type { HaloTicketInput } from '../halo/schemas.js'
import { readOrThrow } from '../schema-reading.js'
import { wasApplied } from './applied-ids.js'
import { dueDeferred } from './business-hours.js'
import type { CorrelationRecord, CorrelationState } from './correlation-store.js'
import { dueFlapping } from './flapping.js'
import { decideHeartbeatDue, heartbeatAlertOf } from './heartbeat.js'
import { decideIncidentDue } from './incident.js'
import type { LifecycleDecision } from './plan-lifecycle.js'
import { dueQuietResolve } from './quiet-resolve.js'

/**
 * When a problem needs a decision that no event will bring: the earliest of the deadlines its
 * state holds (a heartbeat's, the end of a quiet period, business hours' start, an incident's
 * next merged note). Every store indexes records by it (a sparse index: only records with a due
 * time are in it), the due sweep lists those whose time has come, oldest first, and queues a
 * timer for each; a missed sweep loses nothing, the next lists them all the same. Each policy
 * that keeps a deadline in the state adds it here.
 */
export const dueAtOf = (state: CorrelationState): string | undefined => {
  // A due time nothing came of is not listed again: only a later one (see `dueHeld`).
  const held = state.dueHeld === undefined ? Number.NEGATIVE_INFINITY : Date.parse(state.dueHeld)
  return deadlinesOf(state).find((at) => Date.parse(at) > held)
}

/**
 * The earliest deadline the state holds, whether or not something came of it: what a timer is
 * decided on (a parked timer, replayed, is decided as when it was first due).
 */
export const deadlineOf = (state: CorrelationState): string | undefined => deadlinesOf(state)[0]

/** Every deadline the state holds, earliest first. */
const deadlinesOf = (state: CorrelationState): string[] => {
  // ISO instants as toISOString writes them: their text order is their time order.
  const deadlines: string[] = []
  // The end of a quiet resolve, of a flapping problem's quiet period, of an out-of-hours wait,
  // an incident's next merged note.
  if (state.closeAt) deadlines.push(state.closeAt)
  if (state.flap?.stableAt) deadlines.push(state.flap.stableAt)
  if (state.deferred) deadlines.push(state.deferred.until)
  if (state.incident?.noteDueAt) deadlines.push(state.incident.noteDueAt)
  // A heartbeat's next ping (unset while its missed ticket is open).
  if (state.heartbeat?.deadline) deadlines.push(state.heartbeat.deadline)
  return deadlines.sort()
}

export type DueInput = {
  record: CorrelationRecord
  route: Pick<DeliveryRoute, 'name' | 'lifecycle' | 'noise' | 'businessHours' | 'heartbeat'>
  now: Date
  /** The timer's envelope id (recorded as applied like any event's). */
  envelopeId: string
}

/**
 * What a due time that has come does to its problem, decided from the stored state and the
 * clock alone (pure). Every branch moves the deadline it acted on (or clears it), so a record is
 * never due again for the same reason.
 */
export const decideDue = ({ record, route, now, envelopeId }: DueInput): LifecycleDecision => {
  if (wasApplied(record, envelopeId)) return { kind: 'duplicate' }
  const due = deadlineOf(record)
  if (due === undefined || Date.parse(due) > now.getTime()) {
    return { kind: 'suppress', rule: 'nothing due' }
  }
  // Each policy with a deadline in the state decides here (heartbeats, quiet periods, business
  // hours, incidents' merged notes).
  const decided =
    decideHeartbeatDue({ record, route, now }) ??
    dueDeferred(record, route.businessHours, route.noise.maintenance, now) ??
    dueFlapping(record, route.lifecycle, route.noise.flapping, now) ??
    dueQuietResolve(record, route.lifecycle, now) ??
    decideIncidentDue(record, now)
  // A deadline no policy acts on now (the route's policy changed since it was set): held, so the
  // sweep lists it no more.
  return (
    decided ?? {
      kind: 'record',
      reason: 'no policy of the route acts on this due time',
      change: { dueHeld: due },
    }
  )
}

/**
 * The alert a decision on a due problem is carried out with: what a timer's create renders the
 * route's ticket templates from (and its tenant routing reads), and what its notes and closes
 * quote. A policy whose timer opens a ticket (a heartbeat's "no heartbeat since ...") adds its
 * branch here, made with {@link timerAlertEnvelope}; otherwise it is the alert as the record
 * keeps it (its title and labels where the route keeps them, else the problem's key).
 */
export const dueAlertOf = (
  record: CorrelationRecord,
  route: Pick<DeliveryRoute, 'name' | 'lifecycle' | 'noise' | 'heartbeat'>,
  timer: DueEnvelope,
): Promise<AlertEnvelope> =>
  route.heartbeat && record.heartbeat
    ? timerAlertEnvelope(timer, heartbeatAlertOf(record, route, new Date(timer.due.at)), {
        heartbeat: record.heartbeat,
      })
    : timerAlertEnvelope(timer, {
        key: record.key,
        status: 'firing',
        severity: 'medium',
        title: record.alert?.title ?? record.key.slice(0, 500),
        occurredAt: timer.due.at,
        labels: record.alert?.labels ?? {},
      })

/**
 * An alert envelope standing for a timer: the timer's identity (templates see `envelope.id`,
 * `envelope.type` 'timer.due', `envelope.source` 'timer') with the alert a policy made for it.
 * It carries no sender's payload (`payload` is `raw`: the policy's own, else empty).
 */
export const timerAlertEnvelope = async (
  timer: DueEnvelope,
  alert: AlertInput,
  raw: unknown = {},
): Promise<AlertEnvelope> => ({
  v: 1,
  id: timer.id,
  route: timer.route,
  source: timer.source,
  type: timer.type,
  receivedAt: timer.receivedAt,
  alert: await readOrThrow(ALERT, alert),
  raw,
})

/**
 * Whether a route's policies keep deadlines in its problems' state, so deployments need the due
 * sweep (a schedule in AWS, a timer in the gateway): each policy that adds a field to
 * {@link dueAtOf} adds its setting here (incident grouping: the merged note's due time).
 */
export const routeNeedsTimers = (
  route: Pick<DeliveryRoute, 'lifecycle' | 'noise'> &
    Partial<Pick<DeliveryRoute, 'businessHours' | 'heartbeat' | 'group'>>,
): boolean =>
  route.heartbeat !== undefined ||
  route.lifecycle.resolveAfterQuietMinutes !== undefined ||
  route.noise.flapping !== undefined ||
  route.businessHours?.outOfHours === 'defer' ||
  route.group !== undefined

/**
 * The ticket a timer's create opens when a policy kept it ready in the state (rendered and routed
 * when its alert came, as a creation held until business hours is); undefined: the route's
 * templates render one from {@link dueAlertOf}, and its tenant is routed then.
 */
export const keptTicketOf = (record: CorrelationRecord): HaloTicketInput | undefined =>
  record.state === 'deferred' ? record.deferred?.ticket : undefined
