import type { DeliveryRoute } from '../config/compile-config.js'
import type { AlertEnvelope } from '../envelope.js'
import type { HaloDirectory } from '../halo/halo-directory.js'
import type { CorrelationRecord } from '../lifecycle/correlation-store.js'
import { type PlannedEffect, planEffect } from '../lifecycle/effects.js'
import { decideLifecycle, type LifecycleDecision } from '../lifecycle/plan-lifecycle.js'
import type { TicketWork } from '../lifecycle/ticket-work.js'
import type { TenantRouting } from '../mapping/route-tenant.js'
import { routedTicket } from '../mapping/routed-ticket.js'

/** The plan for one envelope: its decision, the Halo call that carries it out, the state after. */
export type DeliveryPlan = PlannedEffect & {
  decision: LifecycleDecision
  /** How the ticket found its Halo client, when the plan creates one. */
  routing?: TenantRouting
}

/**
 * Plans one envelope without changing anything: decides from the stored state and the clock,
 * then builds the Halo call and the next state from the effect table. Only a create renders the
 * route's ticket templates and routes the tenant (which may look clients, assets and the contact
 * up through `directory`); the dry run shows exactly this plan.
 */
export const planEnvelope = async (
  envelope: AlertEnvelope,
  route: DeliveryRoute,
  deps: {
    directory: HaloDirectory
    record: CorrelationRecord | undefined
    now: Date
    /** Whether Halo's rate budget is under pressure (notes wait); never asked in a dry run. */
    haloBusy?: () => Promise<boolean>
    /** Whether a person worked the ticket, when the route's resolve policy asked Halo. */
    work?: TicketWork
  },
): Promise<DeliveryPlan> => {
  const { record, now } = deps
  const { alert } = envelope
  const input = {
    record,
    alert,
    envelopeId: envelope.id,
    policy: route.lifecycle,
    noise: route.noise,
    now,
    ...(deps.work ? { work: deps.work } : {}),
  }
  const first = decideLifecycle(input)
  // Only a note asks whether Halo is busy: under pressure, repeats are merged, not queued.
  const decision =
    first.kind === 'note' && (await deps.haloBusy?.())
      ? decideLifecycle({ ...input, haloBusy: true })
      : first
  let routing: TenantRouting | undefined
  const planned = await planEffect(
    decision,
    record,
    { route: route.name, key: alert.key, envelopeId: envelope.id, at: now.toISOString() },
    {
      alert,
      envelopeId: envelope.id,
      policy: route.lifecycle,
      keepAlert: route.resolveAtSource !== undefined,
      ticket: async () => {
        const routed = await routedTicket(route, envelope, deps.directory)
        routing = routed.routing
        return routed.ticket
      },
    },
  )
  return { ...planned, decision, ...(routing ? { routing } : {}) }
}
