import * as readers from '../schema-readers.generated.js'
import { type Parser, type SchemaReading, schemaReading } from '../schema-reading.js'
import type * as schemas from './schemas.js'

// Halo's answers and the bodies we send, read by the readers compiled from ./schemas.ts: that
// module, and zod, load only for a value a reader is not sure of (issue 15).

type Schemas = typeof schemas
type Output<K extends keyof Schemas> = Schemas[K] extends Parser<infer T> ? T : never

const loadSchemas = () => import('./schemas.js')

const reading = <K extends keyof Schemas>(
  read: (value: unknown) => unknown,
  name: K,
): SchemaReading<Output<K>> =>
  schemaReading(read, async () => (await loadSchemas())[name] as unknown as Parser<Output<K>>)

/** Each Halo schema the client reads or sends with, as a reading. */
export const HALO_READINGS = {
  ticketInput: reading(readers.readHaloTicketInput, 'HaloTicketInputSchema'),
  ticket: reading(readers.readHaloTicket, 'HaloTicketSchema'),
  actionInput: reading(readers.readHaloActionInput, 'HaloActionInputSchema'),
  action: reading(readers.readHaloAction, 'HaloActionSchema'),
  customer: reading(readers.readHaloCustomer, 'HaloCustomerSchema'),
  asset: reading(readers.readHaloAsset, 'HaloAssetSchema'),
  user: reading(readers.readHaloUser, 'HaloUserSchema'),
  site: reading(readers.readHaloSite, 'HaloSiteSchema'),
  ticketType: reading(readers.readHaloTicketType, 'HaloTicketTypeSchema'),
  status: reading(readers.readHaloStatus, 'HaloStatusSchema'),
  outcome: reading(readers.readHaloOutcome, 'HaloOutcomeSchema'),
  priority: reading(readers.readHaloPriority, 'HaloPrioritySchema'),
  team: reading(readers.readHaloTeam, 'HaloTeamSchema'),
  agent: reading(readers.readHaloAgent, 'HaloAgentSchema'),
  authInfo: reading(readers.readHaloAuthInfo, 'HaloAuthInfoSchema'),
  tokenResponse: reading(readers.readHaloTokenResponse, 'HaloTokenResponseSchema'),
} as const
