import type { TicketEventSchema } from './ticket-event-schema.js'
import type * as z from './zod-mini.js'

/**
 * What a Halo ticket event says about the ticket by its name alone, when the payload carries no
 * status: `open` for a new ticket or a reopen, `closed`, `deleted`, or `merged` into another.
 */
export const TICKET_EVENT_IMPLIES = ['open', 'closed', 'deleted', 'merged'] as const

export type TicketEvent = z.infer<typeof TicketEventSchema>
