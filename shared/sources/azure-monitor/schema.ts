import * as z from '../../zod-mini.js'
import { lenient, lenientList, lenientText } from '../lenient.js'

/**
 * The `essentials` block: the part of the common alert schema that is the same for every signal.
 * Only `alertId` and `monitorCondition` (the key and the status) may refuse a payload; any other
 * field of another type reads as absent.
 */
export const AzureEssentialsSchema = z.looseObject({
  /** The alert instance's resource id: the same on Fired and Resolved. */
  alertId: z.string().check(z.minLength(1)),
  alertRule: lenientText(),
  /** `Sev0` (critical) to `Sev4` (verbose). */
  severity: lenientText(),
  signalType: lenientText(),
  monitorCondition: z.enum(['Fired', 'Resolved']),
  monitoringService: lenientText(),
  alertTargetIDs: lenientList(z.string()),
  configurationItems: lenientList(z.string()),
  firedDateTime: lenient(z.string()),
  resolvedDateTime: lenient(z.string()),
  description: lenientText(),
})

/**
 * An Azure Monitor alert in the common alert schema, as an action group's webhook posts it when
 * "Enable the common alert schema" is on. Other schemas are refused by the `schemaId` literal.
 */
export const AzureMonitorPayloadSchema = z.looseObject({
  schemaId: z.literal('azureMonitorCommonAlertSchema', {
    error: 'expected "azureMonitorCommonAlertSchema": enable the common alert schema on the action',
  }),
  data: z.looseObject({
    essentials: AzureEssentialsSchema,
    alertContext: z.optional(z.unknown()),
    customProperties: lenient(z.record(z.string(), z.unknown())),
  }),
})

export type AzureEssentials = z.infer<typeof AzureEssentialsSchema>
export type AzureMonitorPayload = z.infer<typeof AzureMonitorPayloadSchema>
