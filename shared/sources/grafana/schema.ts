import * as z from 'zod'
import { AlertmanagerAlertSchema, AlertmanagerPayloadSchema } from '../alertmanager/schema.js'

/** One alert of a Grafana notification: Alertmanager's shape plus Grafana's links and values. */
export const GrafanaAlertSchema = AlertmanagerAlertSchema.extend({
  silenceURL: z.string().optional(),
  dashboardURL: z.string().optional(),
  panelURL: z.string().optional(),
  valueString: z.string().optional(),
})

/**
 * The body of Grafana's webhook contact point (unified alerting, `version` "1"): an Alertmanager
 * notification with Grafana's `orgId`, `title`, `state` and `message` added.
 */
export const GrafanaPayloadSchema = AlertmanagerPayloadSchema.extend({
  orgId: z.number().optional(),
  title: z.string().optional(),
  state: z.string().optional(),
  alerts: z.array(GrafanaAlertSchema),
})

export type GrafanaAlert = z.infer<typeof GrafanaAlertSchema>
export type GrafanaPayload = z.infer<typeof GrafanaPayloadSchema>
