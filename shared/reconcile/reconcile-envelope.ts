import type { TicketEventEnvelope } from '../envelope.js'
import { haloDateToIso } from '../halo/halo-date.js'
import type { HaloTicket } from '../halo/schemas.js'
import type { OpenTicket } from '../lifecycle/correlation-store.js'
import type { TicketEvent } from '../ticket-event.js'

/** The `source` of the envelopes the sweep queues, and their event name. */
export const RECONCILE_SOURCE = 'reconcile'
export const RECONCILE_EVENT = 'reconcile sweep'

/**
 * What one sweep read says about an open ticket, as the ticket event a Halo webhook would have
 * carried: its status and closure as read (`undefined`: Halo answered 404, the ticket is gone),
 * happening when it was read. Deliver applies it like a webhook's (`decideTicketChange`), so a
 * closure found by the sweep gets the same treatment. The sweep queues only reads that show a
 * change; the condition of the event (`ticketCondition`) is how it tells.
 */
export const reconcileEnvelope = (
  open: OpenTicket,
  ticket: HaloTicket | undefined,
  readAt: Date,
): TicketEventEnvelope => {
  const occurredAt = readAt.toISOString()
  const closedAt = haloDateToIso(ticket?.dateclosed)
  const ticketEvent: TicketEvent = ticket
    ? {
        ticketId: open.ticketId,
        event: RECONCILE_EVENT,
        occurredAt,
        ...(ticket.status_id == null ? {} : { statusId: ticket.status_id }),
        ...(ticket.hasbeenclosed == null ? {} : { hasBeenClosed: ticket.hasbeenclosed }),
        ...(closedAt === undefined ? {} : { closedAt }),
      }
    : { ticketId: open.ticketId, event: RECONCILE_EVENT, implies: 'deleted', occurredAt }
  return {
    v: 2,
    // One read, one id: a redelivery of this message is recognised, the next read is new.
    id: `sweep-${open.ticketId}-${readAt.getTime()}`,
    route: open.route,
    source: RECONCILE_SOURCE,
    type: 'halo.ticket.reconciled',
    receivedAt: occurredAt,
    ticketEvent,
  }
}
