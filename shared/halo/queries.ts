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
