import * as z from 'zod'

/**
 * The payload shape the spec recommends: `type`, `timestamp`, and the event in `data` (or beside
 * them). Every field is optional because the spec only recommends it; the route's templates read
 * whatever the sender puts there.
 */
export const StandardWebhookPayloadSchema = z.looseObject({
  type: z.string().min(1).optional(),
  timestamp: z.string().optional(),
  data: z.unknown().optional(),
})

export type StandardWebhookPayload = z.infer<typeof StandardWebhookPayloadSchema>
