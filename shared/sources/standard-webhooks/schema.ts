import * as z from '../../zod-mini.js'
import { lenient } from '../lenient.js'

/**
 * The payload shape the spec recommends: `type`, `timestamp`, and the event in `data` (or beside
 * them). Every field is optional because the spec only recommends it; the route's templates read
 * whatever the sender puts there. Only `type` (the event type) may refuse a payload; a
 * `timestamp` of another type reads as absent.
 */
export const StandardWebhookPayloadSchema = z.looseObject({
  type: z.optional(z.string().check(z.minLength(1))),
  timestamp: lenient(z.string()),
  data: z.optional(z.unknown()),
})

export type StandardWebhookPayload = z.infer<typeof StandardWebhookPayloadSchema>
