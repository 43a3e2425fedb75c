import { TICKET_EVENT_IMPLIES } from './ticket-event.js'
import * as z from './zod-mini.js'

/**
 * One event about one Halo ticket, as the `halo` source reads it from Halo's outbound webhook:
 * the facts the payload holds, never a decision. Whether the ticket is closed depends on which
 * statuses close a ticket, which the deliver side knows (the route that owns the ticket).
 */
export const TicketEventSchema = z.lazy(() =>
  z.object({
    ticketId: z.number().check(z.int(), z.positive()),
    /** Halo's event name, lower-case with single spaces (`ticket status changed`), when sent. */
    event: z.optional(z.string().check(z.maxLength(200))),
    /** What the event's name (or a `deleted` / `merged_into_id` field) says happened. */
    implies: z.optional(z.enum(TICKET_EVENT_IMPLIES)),
    /** When it happened by Halo's clock (the delivery's `timestamp`), else when it was received. */
    occurredAt: z.iso.datetime(),
    /** The ticket's status as the payload shows it: an id, a display name, or both. */
    statusId: z.optional(z.number().check(z.int())),
    statusName: z.optional(z.string().check(z.maxLength(200))),
    /** Halo's `hasbeenclosed`. */
    hasBeenClosed: z.optional(z.boolean()),
    /** Halo's `dateclosed`, when it holds a real date. */
    closedAt: z.optional(z.iso.datetime()),
    /** The ticket it was merged into (Halo's `merged_into_id`). */
    mergedInto: z.optional(z.number().check(z.int(), z.positive())),
    /**
     * The agent who made the change, when the payload says so: the closing agent of a closure
     * (`closure_agent_id`), or the agent of the action the event is about.
     */
    agentId: z.optional(z.number().check(z.int())),
    /** The action the event is about carries the reference halo-hooks writes on its own actions. */
    ourReference: z.optional(z.boolean()),
  }),
)
