import * as z from 'zod'

// Query parameters the client can send, one strict schema per list endpoint. Keeping them as
// schemas (not free-form records) lets the contract test check every name and type against
// Halo's OpenAPI parameters, so a misspelt filter cannot ship and silently match everything.

/**
 * `GET /api/Tickets`: Halo's opt-in paging (note its spelling `pageinate`; `page_no` is
 * 1-based) and the filters we look tickets up by.
 */
export const HaloTicketQuerySchema = z.strictObject({
  pageinate: z.boolean().optional(),
  page_size: z.int().positive().optional(),
  page_no: z.int().positive().optional(),
  /** Exact correlation id we stored on the ticket; only in newer Halo versions. */
  third_party_id_string: z.string().optional(),
  open_only: z.boolean().optional(),
})
export type HaloTicketQuery = z.infer<typeof HaloTicketQuerySchema>

/** `GET /api/Actions`; `ticket_id` is required because action ids are per ticket. */
export const HaloActionQuerySchema = z.strictObject({
  ticket_id: z.int().positive(),
})
export type HaloActionQuery = z.infer<typeof HaloActionQuerySchema>

/** `GET /api/Client` filters. */
export const HaloClientQuerySchema = z.strictObject({
  search: z.string().optional(),
})
export type HaloClientQuery = z.infer<typeof HaloClientQuerySchema>

/** `GET /api/Asset` filters. */
export const HaloAssetQuerySchema = z.strictObject({
  search: z.string().optional(),
  inventory_number: z.string().optional(),
  client_id: z.int().optional(),
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
