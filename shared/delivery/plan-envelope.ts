import type { DeliveryRoute } from '../config/compile-config.js'
import type { AlertEnvelope } from '../envelope.js'
import type { HaloDirectory } from '../halo/halo-directory.js'
import type { CorrelationRecord } from '../lifecycle/correlation-store.js'
import { type PlannedEffect, planEffect } from '../lifecycle/effects.js'
import { decidePing } from '../lifecycle/heartbeat.js'
import { problemKeyOf } from '../lifecycle/incident-key.js'
import { decideLifecycle, type LifecycleDecision } from '../lifecycle/plan-lifecycle.js'
import type { TicketWork } from '../lifecycle/ticket-work.js'
import { trackAlert } from '../lifecycle/track-alert.js'
import type { TenantRouting } from '../mapping/route-tenant.js'
import { routedTicket } from '../mapping/routed-ticket.js'

/** The plan for one envelope: its decision, the Halo call that carries it out, the state after. */
export type DeliveryPlan = PlannedEffect & {
  decision: LifecycleDecision
  /** How the ticket found its Halo client, when the plan creates one. */
  routing?: TenantRouting
}

/**
 * Plans one envelope without changing anything: decides from the stored state and the clock (on
 * a heartbeat route, as a ping), then builds the Halo call and the next state from the effect
 * table. Only a create renders the route's ticket templates and routes the tenant (which may look
 * clients, assets and the contact up through `directory`); the dry run shows exactly this plan.
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
    hours: route.businessHours,
    now,
    ...(deps.work ? { work: deps.work } : {}),
    ...(route.group ? { group: route.group } : {}),
  }
  const first = route.heartbeat
    ? decidePing({
        record,
        alert,
        envelopeId: envelope.id,
        receivedAt: envelope.receivedAt,
        policy: route.heartbeat,
        now,
      })
    : decideLifecycle(input)
  // Only a note asks whether Halo is busy: under pressure, repeats are merged, not queued.
  const decided =
    first.kind === 'note' && (await deps.haloBusy?.())
      ? decideLifecycle({ ...input, haloBusy: true })
      : first
  let routing: TenantRouting | undefined
  // A ticket is rendered for the instant it is created at (`alert.inBusinessHours`).
  const ticketAt = async (at: Date) => {
    const routed = await routedTicket(route, envelope, deps.directory, at)
    routing = routed.routing
    return routed.ticket
  }
  // A deferred ticket is rendered now, for its opening: the payload is not kept until then.
  const decision =
    decided.kind === 'defer'
      ? { ...decided, ticket: await ticketAt(new Date(decided.until)) }
      : decided
  const planned = await planEffect(
    decision,
    record,
    {
      route: route.name,
      key: problemKeyOf(alert, route),
      envelopeId: envelope.id,
      at: now.toISOString(),
    },
    {
      alert,
      envelopeId: envelope.id,
      policy: route.lifecycle,
      keepAlert: route.resolveAtSource !== undefined,
      ticket: () => ticketAt(now),
    },
  )
  const next = planned.next && trackAlert(planned.next, record, alert, now, route.noise)
  return { ...planned, next, decision, ...(routing ? { routing } : {}) }
}
