import type { DeliveryRoute } from '../config/compile-config.js'
import type { CorrelationRecord, CorrelationState } from './correlation-store.js'
import { decideHeartbeatDue } from './heartbeat.js'
import type { LifecycleDecision } from './plan-lifecycle.js'

/**
 * When a problem needs a decision that no event will bring: the earliest of the deadlines its
 * state holds (a heartbeat's, the end of a quiet period, business hours' start, an incident's
 * next merged note). Every store indexes records by it (a sparse index: only records with a due
 * time are in it), the due sweep lists those whose time has come, oldest first, and queues a
 * timer for each; a missed sweep loses nothing, the next lists them all the same. Each policy
 * that keeps a deadline in the state adds it here.
 */
export const dueAtOf = (state: CorrelationState): string | undefined => {
  // ISO instants as toISOString writes them: their text order is their time order.
  const deadlines: string[] = []
  if (state.heartbeat?.deadline) deadlines.push(state.heartbeat.deadline)
  return deadlines.sort()[0]
}

export type DueInput = {
  record: CorrelationRecord
  route: Pick<DeliveryRoute, 'name' | 'lifecycle' | 'noise' | 'heartbeat'>
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
  if (record.applied.includes(envelopeId)) return { kind: 'duplicate' }
  const due = dueAtOf(record)
  if (due === undefined || Date.parse(due) > now.getTime()) {
    return { kind: 'suppress', rule: 'nothing due' }
  }
  // Each policy with a deadline in the state decides here (heartbeats, quiet periods, business
  // hours, incidents' merged notes).
  const heartbeat = decideHeartbeatDue({ record, route, now })
  if (heartbeat) return heartbeat
  return { kind: 'suppress', rule: 'nothing due' }
}
