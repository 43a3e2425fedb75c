import * as z from 'zod'

/** The `essentials` block: the part of the common alert schema that is the same for every signal. */
export const AzureEssentialsSchema = z.looseObject({
  /** The alert instance's resource id: the same on Fired and Resolved. */
  alertId: z.string().min(1),
  alertRule: z.string().optional(),
  /** `Sev0` (critical) to `Sev4` (verbose). */
  severity: z.string().optional(),
  signalType: z.string().optional(),
  monitorCondition: z.enum(['Fired', 'Resolved']),
  monitoringService: z.string().optional(),
  alertTargetIDs: z.array(z.string()).optional(),
  configurationItems: z.array(z.string()).optional(),
  firedDateTime: z.string().optional(),
  resolvedDateTime: z.string().optional(),
  description: z.string().nullish(),
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
    alertContext: z.unknown().optional(),
    customProperties: z.record(z.string(), z.unknown()).nullish(),
  }),
})

export type AzureEssentials = z.infer<typeof AzureEssentialsSchema>
export type AzureMonitorPayload = z.infer<typeof AzureMonitorPayloadSchema>
