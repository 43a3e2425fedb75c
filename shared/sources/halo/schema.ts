import * as z from 'zod'

/** An id as Halo sends it: a number, or digits in a string; anything else is a display value. */
const idOrDisplay = z.union([z.number(), z.string().max(500)])

/** A Halo date: ISO 8601, often with .NET's seven fractional digits; an unset one is null. */
const haloDate = z.string().max(64).nullable()

/**
 * The ticket fields halo-hooks reads, wherever the payload carries the ticket (`ticket`,
 * `object`, `data`, or the top level of a custom payload). Everything else is let through
 * untouched: "key fields only", "full object" and custom payloads all differ.
 */
export const HaloTicketFieldsSchema = z.looseObject({
  id: idOrDisplay.optional(),
  ticket_id: idOrDisplay.optional(),
  status_id: idOrDisplay.nullable().optional(),
  status_name: z.string().max(500).nullable().optional(),
  status: z.string().max(500).nullable().optional(),
  hasbeenclosed: z.boolean().nullable().optional(),
  dateclosed: haloDate.optional(),
  closure_agent_id: idOrDisplay.nullable().optional(),
  merged_into_id: idOrDisplay.nullable().optional(),
  deleted: z.boolean().nullable().optional(),
})

/** The action an event is about, when the payload carries one (full object). */
export const HaloActionFieldsSchema = z.looseObject({
  note: z.string().nullable().optional(),
  who_agentid: idOrDisplay.nullable().optional(),
  actionby_agent_id: idOrDisplay.nullable().optional(),
})

/**
 * One delivery of Halo's outbound webhook: the common header (delivery id, event name, object
 * id, timestamp) and the ticket, in any of the documented payload types.
 */
export const HaloWebhookSchema = z.looseObject({
  id: z.union([z.string().max(200), z.number()]).optional(),
  event: z.string().max(500).optional(),
  object_id: idOrDisplay.nullable().optional(),
  timestamp: haloDate.optional(),
  ticket: HaloTicketFieldsSchema.nullable().optional(),
  object: HaloTicketFieldsSchema.nullable().optional(),
  data: HaloTicketFieldsSchema.nullable().optional(),
  action: HaloActionFieldsSchema.nullable().optional(),
})

export type HaloWebhook = z.infer<typeof HaloWebhookSchema>
export type HaloTicketFields = z.infer<typeof HaloTicketFieldsSchema>
