import { describeAlert } from '../alertmanager/describe-alert.js'
import { parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { AlertDraft, WebhookSource } from '../webhook-source.js'
import type { GrafanaOptions } from './grafana-options.js'
import { verifyGrafanaSignature } from './grafana-signature.js'
import { type GrafanaAlert, GrafanaPayloadSchema } from './schema.js'

/**
 * Grafana's "Test" button sends this made-up alert unless the user edits it (grafana/alerting
 * `notify/receivers.go`, `newTestAlert`). All three fields must match, so that a real rule is
 * never mistaken for it.
 */
const isTestNotification = (alert: GrafanaAlert) =>
  alert.labels.alertname === 'TestAlert' &&
  alert.labels.instance === 'Grafana' &&
  alert.annotations.summary === 'Notification test'

const draft = (alert: GrafanaAlert, externalURL: string | undefined): AlertDraft => {
  const fields = describeAlert(alert, externalURL)
  const links = [
    alert.valueString ? `Value: ${alert.valueString}` : undefined,
    alert.dashboardURL ? `Dashboard: ${alert.dashboardURL}` : undefined,
    alert.panelURL ? `Panel: ${alert.panelURL}` : undefined,
    alert.silenceURL ? `Silence: ${alert.silenceURL}` : undefined,
  ].filter((line) => line !== undefined)
  const description = [fields.description, links.join('\n')].filter(Boolean).join('\n\n')
  return { alert: { ...fields, description }, raw: alert }
}

/**
 * Grafana alerting's webhook contact point (Grafana 8+ unified alerting). Grafana can sign the
 * body with HMAC-SHA256 (optionally over `"<timestamp>:<body>"`, header names configurable): set
 * `options.hmac` and this source verifies it. Without it the route's `auth` (Basic auth or the
 * `Authorization` header Grafana can send) must be set, or every request fails closed.
 * One Alert per element of `alerts[]`, keyed by fingerprint like Alertmanager's.
 * @see https://grafana.com/docs/grafana/latest/alerting/configure-notifications/manage-contact-points/integrations/webhook-notifier/
 */
export const grafanaSource: WebhookSource<GrafanaOptions> = {
  id: 'grafana',
  description:
    'Grafana alerting webhook contact point; optional HMAC (with timestamp) or route auth',
  // Grafana's HMAC is optional; without it the route's auth (Basic or a header) must verify.
  needsRouteAuth: (options) => !options.hmac,

  verify(request, { options, secrets, now }) {
    if (!options.hmac) return { ok: true } // the route's auth, required at load time, verifies
    return verifyGrafanaSignature(options.hmac, request, secrets, now)
  },

  async normalize(request, { options }) {
    const payload = validatePayload(
      GrafanaPayloadSchema,
      parseJsonBody(request.body),
      'Grafana notification',
    )
    const alerts = options.acceptTestNotifications
      ? payload.alerts
      : payload.alerts.filter((alert) => !isTestNotification(alert))
    if (payload.alerts.length > 0 && alerts.length === 0) {
      return {
        kind: 'ignored',
        type: 'grafana.test',
        reason: 'a Grafana test notification (set options.acceptTestNotifications to queue it)',
      }
    }
    return {
      kind: 'alerts',
      type: 'grafana.notification',
      alerts: alerts.map((alert) => draft(alert, payload.externalURL)),
    }
  },
}
