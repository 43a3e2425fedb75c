import { normalizeSeverity } from '../../alert.js'
import * as z from '../../zod-mini.js'
import { parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { WebhookSource } from '../webhook-source.js'
import { type DattoAlert, DattoAlertSchema } from './schema.js'

export const DattoRmmOptionsSchema = z.lazy(() => z.strictObject({}))
export type DattoRmmOptions = z.infer<typeof DattoRmmOptionsSchema>

/** An optional sender timestamp as ISO text; one we cannot read falls back to receipt time. */
const instant = (value: DattoAlert['timestamp']): string | undefined => {
  if (value === undefined || value === '') return undefined
  const date =
    typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

const isResolved = (flag: DattoAlert['resolved']) =>
  flag === true || (typeof flag === 'string' && flag.toLowerCase() === 'true')

/**
 * Datto RMM monitor webhooks. Datto signs nothing, so the route's `auth` carries a secret token
 * (a query parameter in the webhook URL works everywhere Datto can send). The trigger and the
 * optional resolution payload share `alertUID`, which is the correlation key.
 */
export const dattoRmmSource: WebhookSource<DattoRmmOptions> = {
  id: 'datto-rmm',
  description: 'Datto RMM monitor webhooks (alert + resolution payloads); token via route auth',
  needsRouteAuth: true,

  async normalize(request) {
    const alert = validatePayload(DattoAlertSchema, parseJsonBody(request.body), 'Datto RMM alert')
    const resolved = isResolved(alert.resolved)
    const what = alert.alertMessage?.trim() || `Datto RMM alert ${alert.alertUID}`
    const host = alert.deviceHostname?.trim()
    const occurredAt = instant(alert.timestamp)
    const labels: Record<string, string> = {}
    for (const field of [
      'platform',
      'alertCategory',
      'priority',
      'deviceUid',
      'siteUid',
    ] as const) {
      const value = alert[field]
      if (value) labels[field] = value
    }
    return {
      kind: 'alerts',
      type: resolved ? 'datto-rmm.alert.resolved' : 'datto-rmm.alert.triggered',
      alerts: [
        {
          alert: {
            key: `datto-rmm:${alert.alertUID}`,
            status: resolved ? 'resolved' : 'firing',
            // Datto's priority words (Critical, High, Moderate, Low, Information) map directly.
            severity: normalizeSeverity(alert.priority),
            title: host ? `${host}: ${what}` : what,
            description: [
              alert.alertMessage,
              host && `Device: ${host}`,
              alert.siteName && `Site: ${alert.siteName}`,
              alert.priority && `Priority: ${alert.priority}`,
            ]
              .filter(Boolean)
              .join('\n'),
            ...(occurredAt ? { occurredAt } : {}),
            ...(alert.alertUrl ? { url: alert.alertUrl } : {}),
            ...(host ? { resource: host.slice(0, 255) } : {}),
            ...(alert.siteName || alert.siteUid
              ? {
                  tenant: {
                    ...(alert.siteUid ? { id: alert.siteUid } : {}),
                    ...(alert.siteName ? { name: alert.siteName } : {}),
                  },
                }
              : {}),
            labels,
          },
          raw: alert,
        },
      ],
    }
  },
}
