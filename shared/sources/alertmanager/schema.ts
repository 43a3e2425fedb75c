import * as z from 'zod'

/** Label and annotation maps: Alertmanager marshals them as string-to-string objects. */
export const StringMapSchema = z.record(z.string(), z.string())

/**
 * One alert of an Alertmanager notification, as far as we read it. Unknown fields pass so that a
 * newer Alertmanager (or Grafana, which sends the same shape) is not rejected.
 */
export const AlertmanagerAlertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: StringMapSchema,
  annotations: StringMapSchema.default({}),
  startsAt: z.string().optional(),
  /** `0001-01-01T00:00:00Z` while the alert is still firing. */
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  /** Hash of the label set; older senders omit it. */
  fingerprint: z.string().min(1).optional(),
})

/** The webhook body Alertmanager posts for one alert group (`version` "4"). */
export const AlertmanagerPayloadSchema = z.looseObject({
  version: z.string().optional(),
  groupKey: z.string().optional(),
  receiver: z.string().optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  externalURL: z.string().optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  alerts: z.array(AlertmanagerAlertSchema),
})

export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlertSchema>
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayloadSchema>
