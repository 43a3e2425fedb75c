import * as z from '../zod-mini.js'
import { DELIVERY_RECORD_OUTCOMES, type DeliveryRecord } from './delivery-history.js'

/**
 * A delivery history item as the DynamoDB history reads it back (its ticket id under the record's
 * name). Built on the first read the compiled reader is not sure of, never at deliver's load.
 */
export const StoredDeliveryRecordSchema = z.lazy(() =>
  z.object({
    envelopeId: z.string(),
    route: z.optional(z.string()),
    key: z.optional(z.string()),
    outcome: z.enum(DELIVERY_RECORD_OUTCOMES),
    at: z.string(),
    action: z.optional(z.string()),
    ticketId: z.optional(z.number()),
    reason: z.optional(z.string()),
    code: z.optional(z.string()),
    nextAttemptAt: z.optional(z.string()),
    receiveCount: z.number(),
  }),
) satisfies z.ZodMiniType<DeliveryRecord>
