import * as z from '../zod-mini.js'

// Query parameters the client can send, one strict schema per list endpoint. Keeping them as
// schemas (not free-form records) lets the contract test check every name and type against
// Halo's OpenAPI parameters, so a misspelt filter cannot ship and silently match everything. Each
// is built when its look-up first runs (`z.lazy`), not at deliver's module load (issue 15).

/**
 * `GET /api/Tickets`: Halo's opt-in paging (note its spelling `pageinate`; `page_no` is
 * 1-based) and the filters we look tickets up by.
 */
export const HaloTicketQuerySchema = z.lazy(() =>
  z.strictObject({
    pageinate: z.optional(z.boolean()),
    page_size: z.optional(z.int().check(z.positive())),
    page_no: z.optional(z.int().check(z.positive())),
    /** Exact correlation id we stored on the ticket; only in newer Halo versions. */
    third_party_id_string: z.optional(z.string()),
    open_only: z.optional(z.boolean()),
  }),
)
export type HaloTicketQuery = z.infer<typeof HaloTicketQuerySchema>

/** `GET /api/Actions`; `ticket_id` is required because action ids are per ticket. */
export const HaloActionQuerySchema = z.lazy(() =>
  z.strictObject({
    ticket_id: z.int().check(z.positive()),
    /** Leave out system actions (SLA and automation entries). */
    excludesys: z.optional(z.boolean()),
  }),
)
export type HaloActionQuery = z.infer<typeof HaloActionQuerySchema>

/** `GET /api/Client` filters; `count` limits the rows when not paging. */
export const HaloClientQuerySchema = z.lazy(() =>
  z.strictObject({
    search: z.optional(z.string()),
    count: z.optional(z.int().check(z.positive())),
  }),
)
export type HaloClientQuery = z.infer<typeof HaloClientQuerySchema>

/** `GET /api/Asset` filters. */
export const HaloAssetQuerySchema = z.lazy(() =>
  z.strictObject({
    search: z.optional(z.string()),
    inventory_number: z.optional(z.string()),
    client_id: z.optional(z.int()),
    count: z.optional(z.int().check(z.positive())),
  }),
)
export type HaloAssetQuery = z.infer<typeof HaloAssetQuerySchema>

/**
 * `GET /api/Users` filters. `search` matches parts of names and e-mail addresses, so callers
 * keep only exact matches; inactive users are left out unless asked for.
 */
export const HaloUserQuerySchema = z.lazy(() =>
  z.strictObject({
    search: z.optional(z.string()),
    client_id: z.optional(z.int()),
    count: z.optional(z.int().check(z.positive())),
  }),
)
export type HaloUserQuery = z.infer<typeof HaloUserQuerySchema>

/** `GET /api/TicketType/{id}`: `includedetails` adds the type's fields and restrictions. */
export const HaloTicketTypeQuerySchema = z.lazy(() =>
  z.strictObject({
    includedetails: z.optional(z.boolean()),
  }),
)
export type HaloTicketTypeQuery = z.infer<typeof HaloTicketTypeQuerySchema>

/** `GET /api/Status`: `excludeclosed` leaves out the statuses that close a ticket. */
export const HaloStatusQuerySchema = z.lazy(() =>
  z.strictObject({
    excludeclosed: z.optional(z.boolean()),
  }),
)
export type HaloStatusQuery = z.infer<typeof HaloStatusQuerySchema>

/** `GET /api/Priority`: the priorities of one SLA. */
export const HaloPriorityQuerySchema = z.lazy(() =>
  z.strictObject({
    slaid: z.optional(z.int()),
  }),
)
export type HaloPriorityQuery = z.infer<typeof HaloPriorityQuerySchema>

/** Query values as Halo expects them on the wire: booleans as `true`/`false`. */
