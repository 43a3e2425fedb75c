import * as z from '../../zod-mini.js'
import { lenient, lenientText } from '../lenient.js'

/** Datto fills its variables as text, so flags may arrive as `true` or `"true"`. */
const flag = z.union([z.boolean(), z.enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE'])])
/**
 * Text for the ticket: a number is kept as its text; another type, or text over 10,000
 * characters, is left out.
 */
const text = lenientText(z.string().check(z.maxLength(10_000)))

/**
 * A Datto RMM monitor webhook body. Datto sends whatever JSON the operator types into the
 * monitor's webhook response, with variables filled in; these are the field names our docs ask
 * for (and the ones the community Datto→Halo bridge uses). Only `alertUID` is required, and only
 * it and `resolved` (the key and the status) may refuse a payload.
 */
export const DattoAlertSchema = z.looseObject({
  alertUID: z.string().check(z.minLength(1), z.maxLength(200)),
  alertMessage: text,
  /** Datto's own words: Critical, High, Moderate, Low, Information. */
  priority: text,
  deviceHostname: text,
  deviceUid: text,
  siteName: text,
  siteUid: text,
  alertCategory: text,
  /** The Datto platform (e.g. "Pinotage"): which regional console raised the alert. */
  platform: text,
  /** Set to true in the monitor's resolution payload. */
  resolved: z.optional(flag),
  /** Link back to the alert in Datto, if the operator includes one. */
  alertUrl: text,
  /** When the alert was raised or resolved, if included: ISO text or Unix seconds/millis. */
  timestamp: lenient(z.union([z.string().check(z.maxLength(10_000)), z.number()])),
})

export type DattoAlert = z.infer<typeof DattoAlertSchema>
