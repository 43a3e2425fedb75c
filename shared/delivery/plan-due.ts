import type { DeliveryRoute } from '../config/compile-config.js'
import type { DueEnvelope } from '../envelope.js'
import type { HaloDirectory } from '../halo/halo-directory.js'
import { wasApplied } from '../lifecycle/applied-ids.js'
import type { CorrelationRecord } from '../lifecycle/correlation-store.js'
import { deadlineOf, decideDue, dueAlertOf, keptTicketOf } from '../lifecycle/due.js'
import { planEffect } from '../lifecycle/effects.js'
import type { TenantRouting } from '../mapping/route-tenant.js'
import { routedTicket } from '../mapping/routed-ticket.js'
import type { DeliveryPlan } from './plan-envelope.js'

/**
 * Whether a timer has something to decide on the record: it is not applied yet and the record's
 * due time has come (a record whose deadline moved later since the sweep listed it is not).
 */
export const isDueFor = (
  record: CorrelationRecord | undefined,
  timer: DueEnvelope,
  now: Date,
): boolean => {
  if (!record || wasApplied(record, timer.id)) return false
  const due = deadlineOf(record)
  return due !== undefined && Date.parse(due) <= now.getTime()
}

/**
 * Plans one timer without changing anything: decides from the stored state and the clock
 * (`decideDue`), then builds the Halo call and the next state from the effect table, as
 * `planEnvelope` does for an alert. The alert the effect is carried out with is the one the
 * deciding policy makes for it (`dueAlertOf`); only a create renders the route's ticket templates
 * from it and routes the tenant, unless the policy kept its ticket ready (`keptTicketOf`).
 */
export const planDue = async (
  timer: DueEnvelope,
  route: DeliveryRoute,
  deps: { directory: HaloDirectory; record: CorrelationRecord | undefined; now: Date },
): Promise<DeliveryPlan> => {
  const { record, now } = deps
  if (!record) {
    const decision = { kind: 'suppress', rule: 'nothing due' } as const
    return {
      decision,
      outcome: 'suppressed',
      reason: decision.rule,
      command: undefined,
      next: undefined,
    }
  }
  const decision = decideDue({ record, route, now, envelopeId: timer.id })
  const envelope = await dueAlertOf(record, route, timer)
  let routing: TenantRouting | undefined
  const planned = await planEffect(
    decision,
    record,
    { route: route.name, key: record.key, envelopeId: timer.id, at: now.toISOString() },
    {
      alert: envelope.alert,
      envelopeId: timer.id,
      policy: route.lifecycle,
      keepAlert: route.resolveAtSource !== undefined,
      ticket: async () => {
        const kept = keptTicketOf(record)
        if (kept) return kept
        const routed = await routedTicket(route, envelope, deps.directory)
        routing = routed.routing
        return routed.ticket
      },
    },
  )
  return { ...planned, decision, ...(routing ? { routing } : {}) }
}
