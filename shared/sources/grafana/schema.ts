import * as z from '../../zod-mini.js'
import { alertmanagerAlertObject, alertmanagerPayloadObject } from '../alertmanager/schema.js'
import { lenient, lenientText } from '../lenient.js'

/** One alert of a Grafana notification: Alertmanager's shape plus Grafana's links and values. */
export const GrafanaAlertSchema = z.lazy(() =>
  z.extend(alertmanagerAlertObject(), {
    silenceURL: lenientText(),
    dashboardURL: lenientText(),
    panelURL: lenientText(),
    valueString: lenientText(),
  }),
)

/**
 * The body of Grafana's webhook contact point (unified alerting, `version` "1"): an Alertmanager
 * notification with Grafana's `orgId`, `title`, `state` and `message` added.
 */
export const GrafanaPayloadSchema = z.lazy(() =>
  z.extend(alertmanagerPayloadObject(), {
    orgId: lenient(z.number()),
    title: lenientText(),
    state: lenientText(),
    alerts: z.array(GrafanaAlertSchema),
  }),
)

export type GrafanaAlert = z.infer<typeof GrafanaAlertSchema>
export type GrafanaPayload = z.infer<typeof GrafanaPayloadSchema>
