import * as z from '../../zod-mini.js'

// Built on the first Halo webhook (`z.lazy`): an ingest bundle holds every sender its routes name,
// and a cold start serving another sender's route must not pay for these (issue 15).

/** An id as Halo sends it: a number, or digits in a string; anything else is a display value. */
const idOrDisplay = z.lazy(() => z.union([z.number(), z.string().check(z.maxLength(500))]))

/** A Halo date: ISO 8601, often with .NET's seven fractional digits; an unset one is null. */
const haloDate = z.lazy(() => z.nullable(z.string().check(z.maxLength(64))))

/**
 * The ticket fields halo-hooks reads, wherever the payload carries the ticket (`ticket`,
 * `object`, `data`, or the top level of a custom payload). Everything else is let through
 * untouched: "key fields only", "full object" and custom payloads all differ.
 */
export const HaloTicketFieldsSchema = z.lazy(() =>
  z.looseObject({
    id: z.optional(idOrDisplay),
    ticket_id: z.optional(idOrDisplay),
    status_id: z.optional(z.nullable(idOrDisplay)),
    status_name: z.optional(z.nullable(z.string().check(z.maxLength(500)))),
    status: z.optional(z.nullable(z.string().check(z.maxLength(500)))),
    hasbeenclosed: z.optional(z.nullable(z.boolean())),
    dateclosed: z.optional(haloDate),
    closure_agent_id: z.optional(z.nullable(idOrDisplay)),
    merged_into_id: z.optional(z.nullable(idOrDisplay)),
    deleted: z.optional(z.nullable(z.boolean())),
  }),
)

/** The action an event is about, when the payload carries one (full object). */
export const HaloActionFieldsSchema = z.lazy(() =>
  z.looseObject({
    note: z.optional(z.nullable(z.string())),
    who_agentid: z.optional(z.nullable(idOrDisplay)),
    actionby_agent_id: z.optional(z.nullable(idOrDisplay)),
  }),
)

/**
 * One delivery of Halo's outbound webhook: the common header (delivery id, event name, object
 * id, timestamp) and the ticket, in any of the documented payload types.
 */
export const HaloWebhookSchema = z.lazy(() =>
  z.looseObject({
    id: z.optional(z.union([z.string().check(z.maxLength(200)), z.number()])),
    event: z.optional(z.string().check(z.maxLength(500))),
    object_id: z.optional(z.nullable(idOrDisplay)),
    timestamp: z.optional(haloDate),
    ticket: z.optional(z.nullable(HaloTicketFieldsSchema)),
    object: z.optional(z.nullable(HaloTicketFieldsSchema)),
    data: z.optional(z.nullable(HaloTicketFieldsSchema)),
    action: z.optional(z.nullable(HaloActionFieldsSchema)),
  }),
)

export type HaloWebhook = z.infer<typeof HaloWebhookSchema>
export type HaloTicketFields = z.infer<typeof HaloTicketFieldsSchema>
