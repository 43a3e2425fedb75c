import type { DeliveryRoute } from '../config/compile-config.js'
import type { DueEnvelope } from '../envelope.js'
import {
  type DeliverEnvelopeDeps,
  type DeliveryOutcome,
  deliverPlanned,
  type ProblemPlanner,
  recheck,
} from './deliver-envelope.js'
import { isDueFor, planDue } from './plan-due.js'

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
 * written.
 */
export const deliverDue = (
  timer: DueEnvelope,
  route: DeliveryRoute,
  deps: DeliverEnvelopeDeps,
): Promise<DeliveryOutcome> => deliverPlanned(duePlanner(timer, route), route, deps)
