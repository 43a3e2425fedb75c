import type { Alert } from '../../alert.js'
import * as z from '../../zod-mini.js'
import { parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { WebhookSource } from '../webhook-source.js'
import { type NinjaActivity, NinjaActivitySchema } from './schema.js'

export const NinjaOneOptionsSchema = z.lazy(() =>
  z.strictObject({
    /** Activity types that can become alerts; others are acknowledged and ignored. */
    activityTypes: z._default(z.array(z.string().check(z.minLength(1))).check(z.minLength(1)), [
      'CONDITION',
    ]),
  }),
)

export type NinjaOneOptions = z.infer<typeof NinjaOneOptionsSchema>

const FIRING = ['TRIGGERED']
const RESOLVED = ['RESET', 'RESOLVED', 'CLEARED']

/** NinjaOne's severity words (NONE..CRITICAL), then its priority words (NONE..HIGH). */
const SEVERITY: Record<string, Alert['severity']> = {
  CRITICAL: 'critical',
  MAJOR: 'high',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  MINOR: 'low',
  LOW: 'low',
  NONE: 'info',
}

const severityOf = (activity: NinjaActivity): Alert['severity'] => {
  for (const word of [activity.severity, activity.priority]) {
    const upper = word?.toUpperCase()
    if (upper && Object.hasOwn(SEVERITY, upper)) return SEVERITY[upper] as Alert['severity']
  }
  return 'medium'
}

/**
 * The condition on the device (plus its target, such as a disk) identifies the problem across
 * its trigger and its reset; `seriesUid` or the activity id stand in when those are absent.
 */
const keyOf = (activity: NinjaActivity): string => {
  if (activity.deviceId !== undefined && activity.sourceConfigUid) {
    const target = activity.sourceName ? `:${activity.sourceName}` : ''
    return `ninjaone:${activity.deviceId}:${activity.sourceConfigUid}${target}`
  }
  if (activity.seriesUid) return `ninjaone:series:${activity.seriesUid}`
  return `ninjaone:activity:${activity.id}`
}

/** NinjaOne sends Unix seconds with a fraction; a value no date can hold is left out. */
const instant = (seconds: number | undefined): string | undefined => {
  if (seconds === undefined) return undefined
  const date = new Date(seconds < 1e12 ? seconds * 1000 : seconds)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

const stringLabels = (entries: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(entries)
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([name, value]) => [name, String(value)]),
  )

/**
 * NinjaOne notification-channel webhooks. NinjaOne signs nothing documented, so the route's
 * `auth` carries a secret token (query parameter or header). `CONDITION` activities become
 * alerts: `TRIGGERED` fires, `RESET` resolves; other activities are acknowledged and ignored.
 */
export const ninjaOneSource: WebhookSource<NinjaOneOptions> = {
  id: 'ninjaone',
  description: 'NinjaOne notification-channel webhooks (condition triggered/reset); token auth',
  needsRouteAuth: true,

  async normalize(request, { options }) {
    const activity = validatePayload(
      NinjaActivitySchema,
      parseJsonBody(request.body),
      'NinjaOne activity',
    )
    const activityType = activity.activityType?.toUpperCase() ?? ''
    const statusCode = activity.statusCode?.toUpperCase() ?? ''
    const type =
      `ninjaone.${activityType.toLowerCase() || 'activity'}.${statusCode.toLowerCase() || 'unknown'}`.replace(
        /[^a-z0-9_.]/g,
        '_',
      )
    if (!options.activityTypes.some((allowed) => allowed.toUpperCase() === activityType)) {
      return { kind: 'ignored', type, reason: `activity type "${activityType}" is not alerted on` }
    }
    const status = FIRING.includes(statusCode)
      ? 'firing'
      : RESOLVED.includes(statusCode)
        ? 'resolved'
        : undefined
    if (!status) {
      return { kind: 'ignored', type, reason: `status "${statusCode}" neither fires nor resets` }
    }
    const device = activity.device
    const host = device?.displayName || device?.systemName || device?.dnsName
    const what = activity.message || activity.subject || activity.sourceName || 'NinjaOne condition'
    const organization = device?.references?.organization
    const tenantId = device?.organizationId ?? organization?.id
    const occurredAt = instant(activity.activityTime)
    return {
      kind: 'alerts',
      type,
      ...(activity.id !== undefined ? { deliveryId: String(activity.id) } : {}),
      alerts: [
        {
          alert: {
            key: keyOf(activity),
            status,
            severity: severityOf(activity),
            title: host ? `${host}: ${what}` : what,
            description: [
              activity.message,
              device?.systemName && `Device: ${device.systemName}`,
              organization?.name && `Organization: ${organization.name}`,
              device?.references?.location?.name && `Location: ${device.references.location.name}`,
            ]
              .filter(Boolean)
              .join('\n'),
            ...(occurredAt ? { occurredAt } : {}),
            ...(device?.systemName || host
              ? { resource: String(device?.systemName || host).slice(0, 255) }
              : {}),
            ...(tenantId !== undefined || organization?.name
              ? {
                  tenant: {
                    ...(tenantId !== undefined ? { id: String(tenantId) } : {}),
                    ...(organization?.name ? { name: organization.name } : {}),
                  },
                }
              : {}),
            labels: stringLabels({
              activityType,
              statusCode,
              deviceId: activity.deviceId,
              sourceConfigUid: activity.sourceConfigUid,
              seriesUid: activity.seriesUid,
              nodeClass: device?.nodeClass,
              location: device?.references?.location?.name,
            }),
          },
          raw: activity,
        },
      ],
    }
  },
}
