import * as z from 'zod'

/** Datto fills its variables as text, so flags may arrive as `true` or `"true"`. */
const flag = z.union([z.boolean(), z.enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE'])])
const text = z.string().max(10_000)

/**
 * A Datto RMM monitor webhook body. Datto sends whatever JSON the operator types into the
 * monitor's webhook response, with variables filled in; these are the field names our docs ask
 * for (and the ones the community Datto→Halo bridge uses). Only `alertUID` is required.
 */
export const DattoAlertSchema = z.looseObject({
  alertUID: z.string().min(1).max(200),
  alertMessage: text.optional(),
  /** Datto's own words: Critical, High, Moderate, Low, Information. */
  priority: text.optional(),
  deviceHostname: text.optional(),
  deviceUid: text.optional(),
  siteName: text.optional(),
  siteUid: text.optional(),
  alertCategory: text.optional(),
  /** The Datto platform (e.g. "Pinotage"): which regional console raised the alert. */
  platform: text.optional(),
  /** Set to true in the monitor's resolution payload. */
  resolved: flag.optional(),
  /** Link back to the alert in Datto, if the operator includes one. */
  alertUrl: text.optional(),
  /** When the alert was raised or resolved, if included: ISO text or Unix seconds/millis. */
  timestamp: z.union([text, z.number()]).optional(),
})

export type DattoAlert = z.infer<typeof DattoAlertSchema>
