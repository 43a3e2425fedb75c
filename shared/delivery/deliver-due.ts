import type { DeliveryRoute } from '../config/compile-config.js'
import type { DueEnvelope } from '../envelope.js'
import { AppError } from '../errors.js'
import {
  type DeliverEnvelopeDeps,
  type DeliveryOutcome,
  deliverPlanned,
  type ProblemPlanner,
  recheck,
} from './deliver-envelope.js'
import { isDueFor, planDue } from './plan-due.js'
import { settleRecord } from './write-receipts.js'

/** A timer's planner: a due record's ticket rechecked when stale, then `planDue`. */
const duePlanner = (timer: DueEnvelope, route: DeliveryRoute): ProblemPlanner => ({
  envelopeId: timer.id,
  key: timer.due.key,
  async plan(recovered, deps, now) {
    // Halo is asked nothing for a timer with nothing to decide.
    const record = isDueFor(recovered, timer, now)
      ? await recheck(recovered, timer.id, route, deps, now)
      : recovered
    return { record, plan: await planDue(timer, route, { directory: deps.directory, record, now }) }
  },
})

/**
 * Delivers one timer (a problem's due time has come) with exactly-once effects on Halo, through
 * the same straight line as an alert (`deliverPlanned`): its problem's record is settled or its
 * interrupted write recovered, then `decideDue` decides on it as it now stands. A record that is
 * not due (its deadline moved or cleared since the sweep listed it) is `suppressed` with nothing
 * written. A timer that fails for good (it will be parked with its reason) holds its due time
 * (`dueHeld`) first, so the sweep does not queue it, and park it, again every few minutes.
 */
export const deliverDue = async (
  timer: DueEnvelope,
  route: DeliveryRoute,
  deps: DeliverEnvelopeDeps,
): Promise<DeliveryOutcome> => {
  try {
    return await deliverPlanned(duePlanner(timer, route), route, deps)
  } catch (error) {
    if (!(error instanceof AppError && error.retryable)) await holdDueTime(timer, deps)
    throw error
  }
}

/**
 * Marks the timer's due time as one nothing came of, unless a write is in flight on the record
 * (recovery settles it first) or the record moved on meanwhile. Best effort: the failure itself is
 * what the caller reports, and at worst the timer is queued and parked once more.
 */
const holdDueTime = async (timer: DueEnvelope, deps: DeliverEnvelopeDeps): Promise<void> => {
  try {
    const stored = await deps.store.get(timer.route, timer.due.key)
    // With write receipts the problem's last write (a note, a close) may be on record only by
    // its receipt: its state is the one to hold the due time on.
    const record = await settleRecord(stored, deps.receipts)
    if (!stored || !record || record.pending) return
    if (record.dueHeld !== undefined && record.dueHeld >= timer.due.at) return
    const held = { ...record, dueHeld: timer.due.at, version: stored.version + 1 }
    if (await deps.store.put(held, stored.version)) {
      deps.logger.warn('timer failed for good; its due time is held until a new one', {
        route: timer.route,
        key: timer.due.key,
        dueAt: timer.due.at,
      })
    }
  } catch {
    // The store failing too: the next sweep queues the timer again, and it is parked again.
  }
}
