import { SEVERITIES } from '../../alert.js'
import { PayloadError } from '../../errors.js'
import * as z from '../../zod-mini.js'
import { bodyText, parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { InboundRequest, WebhookSource } from '../webhook-source.js'
import { type UptimeRobotPayload, UptimeRobotPayloadSchema } from './schema.js'

export const UptimeRobotOptionsSchema = z.lazy(() =>
  z.strictObject({
    /** Severity of a monitor that is down (UptimeRobot has none). @default "high" */
    severity: z._default(z.enum(SEVERITIES), 'high'),
  }),
)
export type UptimeRobotOptions = z.infer<typeof UptimeRobotOptionsSchema>

const DOWN = '1'
const UP = '2'

/** UptimeRobot leaves a variable it has no value for as its placeholder (`*alertDuration*`). */
const present = (text: string | undefined) =>
  text === undefined || text === '' || /^\*[A-Za-z]+\*$/.test(text) ? undefined : text

/** Our documented name first, then the snake_case one. */
const read = (
  payload: UptimeRobotPayload,
  name: keyof UptimeRobotPayload,
  alias?: keyof UptimeRobotPayload,
) =>
  present(payload[name] as string | undefined) ??
  (alias ? present(payload[alias] as string | undefined) : undefined)

/** JSON ("Send as JSON") or the form encoding UptimeRobot uses otherwise. */
const readBody = (request: InboundRequest): unknown =>
  /^application\/x-www-form-urlencoded/i.test(request.headers['content-type'] ?? '')
    ? Object.fromEntries(new URLSearchParams(bodyText(request.body)))
    : parseJsonBody(request.body)

const hostOf = (url: string | undefined) => {
  if (!url) return undefined
  try {
    return new URL(url).hostname || url
  } catch {
    return url // UptimeRobot sends bare hosts for ping and port monitors
  }
}

/**
 * UptimeRobot's webhook alert contact. UptimeRobot signs nothing; the secret goes in the URL
 * (the route's `query` auth). The body is the "POST value" the user wrote (see the docs); a
 * monitor going down fires an alert keyed by the monitor id, coming up resolves it.
 */
export const uptimeRobotSource: WebhookSource<UptimeRobotOptions> = {
  id: 'uptimerobot',
  description: 'UptimeRobot webhook alert contact; monitor down/up keyed by monitor id',
  needsRouteAuth: true,

  async normalize(request, { options }) {
    const payload = validatePayload(
      UptimeRobotPayloadSchema,
      readBody(request),
      'UptimeRobot alert',
    )
    const alertType = read(payload, 'alertType', 'alert_type')
    if (alertType !== DOWN && alertType !== UP) {
      const name = read(payload, 'alertTypeFriendlyName', 'alert_type_friendly_name')
      return {
        kind: 'ignored',
        type: 'uptimerobot.alert',
        reason: `alert type ${alertType ?? '(none)'}${name ? ` (${name})` : ''} is neither down (1) nor up (2)`,
      }
    }
    const monitorId = read(payload, 'monitorID', 'monitor_id')
    const monitorUrl = read(payload, 'monitorURL', 'monitor_url')
    if (!monitorId && !monitorUrl) {
      throw new PayloadError('payload_invalid', 'UptimeRobot alert failed validation', [
        'monitorID: required (or monitorURL) to tell monitors apart',
      ])
    }
    const down = alertType === DOWN
    const name =
      read(payload, 'monitorFriendlyName', 'monitor_friendly_name') ?? monitorUrl ?? monitorId
    const details = read(payload, 'alertDetails', 'alert_details')
    const duration = read(payload, 'alertFriendlyDuration', 'alert_friendly_duration')
    const at = read(payload, 'alertDateTime')
    const resource = hostOf(monitorUrl)
    return {
      kind: 'alerts',
      type: `uptimerobot.monitor.${down ? 'down' : 'up'}`,
      alerts: [
        {
          alert: {
            key: monitorId ? `monitor:${monitorId}` : `url:${monitorUrl}`,
            status: down ? 'firing' : 'resolved',
            severity: options.severity,
            title: `${name} is ${down ? 'down' : 'up'}`,
            description: [
              details,
              !down && duration ? `Down for ${duration}` : undefined,
              monitorUrl ? `Monitored: ${monitorUrl}` : undefined,
            ]
              .filter(Boolean)
              .join('\n\n'),
            ...(at && /^\d{9,11}$/.test(at)
              ? { occurredAt: new Date(Number(at) * 1000).toISOString() }
              : {}),
            ...(monitorUrl && /^https?:\/\//i.test(monitorUrl) ? { url: monitorUrl } : {}),
            ...(resource ? { resource: resource.slice(0, 255) } : {}),
            labels: monitorId ? { monitorID: monitorId } : ({} as Record<string, string>),
          },
          raw: payload,
        },
      ],
    }
  },
}
