import { AlertSchema } from '../shared/alert-schema.js'
import { StoredDeliveryRecordSchema } from '../shared/delivery/stored-delivery-record-schema.js'
import { EnvelopeSchema } from '../shared/envelope-schema.js'
import * as halo from '../shared/halo/schemas.js'
import { CorrelationRecordSchema } from '../shared/lifecycle/correlation-record-schema.js'

/**
 * The schemas compiled into readers (shared/schema-readers.generated.ts, `npm run readers`): what
 * deliver reads every event (queue messages, state records, Halo's answers and the bodies it
 * sends), so that it needs zod only for a value a reader is not sure of.
 */
export const READER_SCHEMAS = {
  Envelope: EnvelopeSchema,
  CorrelationRecord: CorrelationRecordSchema,
  StoredDeliveryRecord: StoredDeliveryRecordSchema,
  Alert: AlertSchema,
  HaloTicketInput: halo.HaloTicketInputSchema,
  HaloTicket: halo.HaloTicketSchema,
  HaloActionInput: halo.HaloActionInputSchema,
  HaloAction: halo.HaloActionSchema,
  HaloCustomer: halo.HaloCustomerSchema,
  HaloAsset: halo.HaloAssetSchema,
  HaloUser: halo.HaloUserSchema,
  HaloSite: halo.HaloSiteSchema,
  HaloTicketType: halo.HaloTicketTypeSchema,
  HaloStatus: halo.HaloStatusSchema,
  HaloOutcome: halo.HaloOutcomeSchema,
  HaloPriority: halo.HaloPrioritySchema,
  HaloTeam: halo.HaloTeamSchema,
  HaloAgent: halo.HaloAgentSchema,
  HaloAuthInfo: halo.HaloAuthInfoSchema,
  HaloTokenResponse: halo.HaloTokenResponseSchema,
} as const
