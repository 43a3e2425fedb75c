import { parseJsonBody } from '../parse-body.js'
import type { WebhookSource } from '../webhook-source.js'
import type { AlertmanagerOptions } from './alertmanager-options.js'
import { describeAlert } from './describe-alert.js'
import { readAlertmanagerPayload } from './read-payload.js'

/**
 * Prometheus Alertmanager's webhook receiver. Alertmanager signs nothing (its `http_config` adds
 * Basic auth or a bearer token), so the route's `auth` verifies it. One notification carries an
 * alert group; each alert in it becomes one Alert keyed by its fingerprint.
 *
 * Alertmanager retries only 5xx answers and drops 4xx ones, so a payload we cannot read is a 4xx
 * (retrying would not help) and a queue failure is a 503 (retrying will).
 * @see https://prometheus.io/docs/alerting/latest/configuration/#webhook_config
 */
export const alertmanagerSource: WebhookSource<AlertmanagerOptions> = {
  id: 'alertmanager',
  description:
    'Prometheus Alertmanager webhook receiver; one Alert per alert, keyed by fingerprint',
  needsRouteAuth: true,

  async normalize(request) {
    const read = readAlertmanagerPayload(parseJsonBody(request.body))
    const payload = read instanceof Promise ? await read : read
    return {
      kind: 'alerts',
      type: 'alertmanager.notification',
      alerts: payload.alerts.map((alert) => ({
        alert: describeAlert(alert, payload.externalURL),
        raw: alert,
      })),
    }
  },
}
