import { normalizeSeverity } from '../../alert.js'
import * as z from '../../zod-mini.js'
import { parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { WebhookSource } from '../webhook-source.js'
import { type AzureEssentials, AzureMonitorPayloadSchema } from './schema.js'

export const AzureMonitorOptionsSchema = z.lazy(() => z.strictObject({}))
export type AzureMonitorOptions = z.infer<typeof AzureMonitorOptionsSchema>

/** Custom property names an operator may set on the action group to name the customer. */
const TENANT_PROPERTIES = ['tenant', 'customer', 'client']

/** The last segment of an Azure resource id: the resource's own name. */
const resourceName = (id: string) => id.split('/').filter(Boolean).at(-1)

const subscriptionOf = (alertId: string) => /\/subscriptions\/([^/]+)/i.exec(alertId)?.[1]

const describe = (essentials: AzureEssentials) =>
  [
    essentials.description,
    [
      essentials.signalType ? `Signal: ${essentials.signalType}` : undefined,
      essentials.monitoringService ? `Service: ${essentials.monitoringService}` : undefined,
      essentials.severity ? `Severity: ${essentials.severity}` : undefined,
    ]
      .filter((line) => line !== undefined)
      .join('\n'),
    essentials.alertTargetIDs?.length
      ? `Targets:\n${essentials.alertTargetIDs.map((id) => `- ${id}`).join('\n')}`
      : undefined,
  ]
    .filter((part) => part !== undefined && part !== null && part !== '')
    .join('\n\n')

/**
 * Azure Monitor action group webhooks with the common alert schema. A plain webhook action signs
 * nothing, so the route's `auth` verifies it (a secret in the query string, or Basic auth in the
 * URI). One payload is one alert instance; `alertId` stays the same when it resolves.
 * @see https://learn.microsoft.com/azure/azure-monitor/alerts/alerts-common-schema
 */
export const azureMonitorSource: WebhookSource<AzureMonitorOptions> = {
  id: 'azure-monitor',
  description:
    'Azure Monitor action group webhook (common alert schema); Fired/Resolved by alertId',
  needsRouteAuth: true,

  async normalize(request) {
    const payload = validatePayload(
      AzureMonitorPayloadSchema,
      parseJsonBody(request.body),
      'Azure Monitor alert',
    )
    const { essentials, customProperties } = payload.data
    const resolved = essentials.monitorCondition === 'Resolved'
    const target =
      essentials.configurationItems?.[0] ?? resourceName(essentials.alertTargetIDs?.[0] ?? '')
    const properties = Object.fromEntries(
      Object.entries(customProperties ?? {}).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    )
    const tenantName = TENANT_PROPERTIES.map((name) => properties[name]).find(Boolean)
    const subscription = subscriptionOf(essentials.alertId)
    const rule = essentials.alertRule ?? 'Azure Monitor alert'
    const labels: Record<string, string> = {
      ...properties,
      ...(essentials.alertRule ? { alertRule: essentials.alertRule } : {}),
      ...(essentials.signalType ? { signalType: essentials.signalType } : {}),
      ...(essentials.monitoringService ? { monitoringService: essentials.monitoringService } : {}),
      ...(essentials.severity ? { azureSeverity: essentials.severity } : {}),
      ...(subscription ? { subscriptionId: subscription } : {}),
    }
    return {
      kind: 'alerts',
      type: `azure-monitor.${resolved ? 'resolved' : 'fired'}`,
      alerts: [
        {
          alert: {
            key: essentials.alertId,
            status: resolved ? 'resolved' : 'firing',
            severity: normalizeSeverity(essentials.severity),
            title: target ? `${rule} on ${target}` : rule,
            description: describe(essentials),
            occurredAt: resolved
              ? (essentials.resolvedDateTime ?? essentials.firedDateTime)
              : essentials.firedDateTime,
            // The alert's page in the Azure portal, in the form the portal's own "copy link" produces.
            url: `https://portal.azure.com/#view/Microsoft_Azure_Monitoring_Alerts/AlertDetails.ReactView/alertId~/${encodeURIComponent(essentials.alertId)}`,
            ...(target ? { resource: target.slice(0, 255) } : {}),
            ...(subscription || tenantName
              ? {
                  tenant: {
                    ...(subscription ? { id: subscription } : {}),
                    ...(tenantName ? { name: tenantName } : {}),
                  },
                }
              : {}),
            labels,
          },
          raw: payload,
        },
      ],
    }
  },
}
