import * as z from 'zod'
import { lenient } from '../lenient.js'

/**
 * The payload shape the spec recommends: `type`, `timestamp`, and the event in `data` (or beside
 * them). Every field is optional because the spec only recommends it; the route's templates read
 * whatever the sender puts there. Only `type` (the event type) may refuse a payload; a
 * `timestamp` of another type reads as absent.
 */
export const StandardWebhookPayloadSchema = z.looseObject({
  type: z.string().min(1).optional(),
  timestamp: lenient(z.string()),
  data: z.unknown().optional(),
})

export type StandardWebhookPayload = z.infer<typeof StandardWebhookPayloadSchema>
