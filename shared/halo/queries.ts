import * as z from 'zod'

// Query parameters the client can send, one strict schema per list endpoint. Keeping them as
// schemas (not free-form records) lets the contract test check every name and type against
// Halo's OpenAPI parameters, so a misspelt filter cannot ship and silently match everything.

/** Halo's opt-in paging; note Halo's own spelling `pageinate`. `page_no` is 1-based. */
const paging = {
  pageinate: z.boolean().optional(),
  page_size: z.int().positive().optional(),
  page_no: z.int().positive().optional(),
  /** Row limit when not paging. */
  count: z.int().positive().optional(),
}

const ordering = {
  order: z.string().optional(),
  orderdesc: z.boolean().optional(),
}

/** `GET /api/Tickets` filters. */
export const HaloTicketQuerySchema = z.strictObject({
  ...paging,
  ...ordering,
  /** Exact correlation id we stored on the ticket; only in newer Halo versions. */
  third_party_id_string: z.string().optional(),
  open_only: z.boolean().optional(),
  closed_only: z.boolean().optional(),
  client_id: z.int().optional(),
  site_id: z.int().optional(),
  user_id: z.int().optional(),
  agent_id: z.int().optional(),
  status_id: z.int().optional(),
  /** The ticket type id (Halo calls ticket types request types here). */
  requesttype_id: z.int().optional(),
  asset_id: z.int().optional(),
  search: z.string().optional(),
  search_summary: z.string().optional(),
})
export type HaloTicketQuery = z.infer<typeof HaloTicketQuerySchema>

/** `GET /api/Tickets/{id}` options. */
export const HaloTicketGetQuerySchema = z.strictObject({
  includedetails: z.boolean().optional(),
  includelastaction: z.boolean().optional(),
})
export type HaloTicketGetQuery = z.infer<typeof HaloTicketGetQuerySchema>

/** `GET /api/Actions` filters; `ticket_id` is required because action ids are per ticket. */
export const HaloActionQuerySchema = z.strictObject({
  ticket_id: z.int().positive(),
  excludesys: z.boolean().optional(),
  excludeprivate: z.boolean().optional(),
  includehtmlnote: z.boolean().optional(),
  count: z.int().positive().optional(),
})
export type HaloActionQuery = z.infer<typeof HaloActionQuerySchema>

/** `GET /api/Client` filters. */
export const HaloClientQuerySchema = z.strictObject({
  ...paging,
  ...ordering,
  search: z.string().optional(),
  toplevel_id: z.int().optional(),
  includeinactive: z.boolean().optional(),
})
export type HaloClientQuery = z.infer<typeof HaloClientQuerySchema>

/** `GET /api/Site` filters. */
export const HaloSiteQuerySchema = z.strictObject({
  ...paging,
  ...ordering,
  client_id: z.int().optional(),
  search: z.string().optional(),
  includeinactive: z.boolean().optional(),
})
export type HaloSiteQuery = z.infer<typeof HaloSiteQuerySchema>

/** `GET /api/Users` filters. */
export const HaloUserQuerySchema = z.strictObject({
  ...paging,
  ...ordering,
  client_id: z.int().optional(),
  site_id: z.int().optional(),
  search: z.string().optional(),
  includeinactive: z.boolean().optional(),
})
export type HaloUserQuery = z.infer<typeof HaloUserQuerySchema>

/** `GET /api/Asset` filters. */
export const HaloAssetQuerySchema = z.strictObject({
  ...paging,
  ...ordering,
  search: z.string().optional(),
  inventory_number: z.string().optional(),
  client_id: z.int().optional(),
  site_id: z.int().optional(),
  assettype_id: z.int().optional(),
  includeinactive: z.boolean().optional(),
})
export type HaloAssetQuery = z.infer<typeof HaloAssetQuerySchema>

/** `GET /api/TicketType` filters. */
export const HaloTicketTypeQuerySchema = z.strictObject({
  client_id: z.int().optional(),
  showinactive: z.boolean().optional(),
  can_create_only: z.boolean().optional(),
})
export type HaloTicketTypeQuery = z.infer<typeof HaloTicketTypeQuerySchema>

/** `GET /api/Status` filters. */
export const HaloStatusQuerySchema = z.strictObject({
  /** Which kind of status list, e.g. `ticket`. */
  type: z.string().optional(),
  excludeclosed: z.boolean().optional(),
  excludepending: z.boolean().optional(),
  tickettype_id: z.int().optional(),
})
export type HaloStatusQuery = z.infer<typeof HaloStatusQuerySchema>

/** `GET /api/Priority` filters. */
export const HaloPriorityQuerySchema = z.strictObject({
  slaid: z.int().optional(),
})
export type HaloPriorityQuery = z.infer<typeof HaloPriorityQuerySchema>

/** `GET /api/Outcome` filters. */
export const HaloOutcomeQuerySchema = z.strictObject({
  tickettype_id: z.int().optional(),
  showhidden: z.boolean().optional(),
})
export type HaloOutcomeQuery = z.infer<typeof HaloOutcomeQuerySchema>

/** `GET /api/Lookup` filters: `lookupid` picks the list (12 Impact, 27 Urgency, ...). */
export const HaloLookupQuerySchema = z.strictObject({
  lookupid: z.int(),
})
export type HaloLookupQuery = z.infer<typeof HaloLookupQuerySchema>

/** `GET /api/Agent` filters. */
export const HaloAgentQuerySchema = z.strictObject({
  search: z.string().optional(),
  /** Team name. */
  team: z.string().optional(),
})
export type HaloAgentQuery = z.infer<typeof HaloAgentQuerySchema>

/** `GET /api/Team` filters (none needed yet). */
export const HaloTeamQuerySchema = z.strictObject({})
export type HaloTeamQuery = z.infer<typeof HaloTeamQuerySchema>

/** Query values as Halo expects them on the wire: booleans as `true`/`false`. */
export type HaloQueryValues = Readonly<Record<string, string | number | boolean | undefined>>

/** Builds a query string, leaving out undefined values. Returns `''` or `?a=1&b=2`. */
export const toQueryString = (query: HaloQueryValues | undefined): string => {
  if (!query) return ''
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}
