import { SEVERITIES } from '../../alert.js'
import * as z from '../../zod-mini.js'
import { validatePayload } from '../validate-payload.js'
import type { WebhookSource } from '../webhook-source.js'
import { readKumaBody } from './read-kuma-body.js'
import { type UptimeKumaMonitor, UptimeKumaPayloadSchema } from './schema.js'

export const UptimeKumaOptionsSchema = z.lazy(() =>
  z.strictObject({
    /** Severity of a monitor that is down (Kuma has no severity of its own). @default "high" */
    severity: z._default(z.enum(SEVERITIES), 'high'),
  }),
)
export type UptimeKumaOptions = z.infer<typeof UptimeKumaOptionsSchema>

const DOWN = 0
const UP = 1
const IGNORED_STATUS: Record<number, string> = {
  2: 'a pending heartbeat (Uptime Kuma is still retrying the check)',
  3: 'a maintenance heartbeat',
}

/** Tag names an operator may put on a monitor to say which customer it belongs to. */
const TENANT_TAGS = ['tenant', 'customer', 'client']

/** Kuma writes UTC without a zone (`2026-11-28 07:41:12.513`); read as local time it would shift. */
const kumaInstant = (time: string | undefined) =>
  time && /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/.test(time)
    ? `${time.replace(' ', 'T')}Z`
    : time

const hostOf = (monitor: UptimeKumaMonitor) => {
  if (monitor.hostname) return monitor.hostname
  try {
    return monitor.url ? new URL(monitor.url).hostname || undefined : undefined
  } catch {
    return undefined
  }
}

/**
 * Uptime Kuma's Webhook notification. Kuma signs nothing; add the route's secret under
 * "Additional Headers" (an `Authorization` header) so the route's `auth` can verify it.
 * A monitor going down fires an alert keyed by the monitor's id; coming up resolves it.
 */
export const uptimeKumaSource: WebhookSource<UptimeKumaOptions> = {
  id: 'uptime-kuma',
  description: 'Uptime Kuma webhook notification; monitor down/up keyed by monitor id',
  needsRouteAuth: true,

  async normalize(request, { options }) {
    const payload = validatePayload(
      UptimeKumaPayloadSchema,
      await readKumaBody(request),
      'Uptime Kuma notification',
    )
    const { heartbeat, monitor } = payload
    if (!heartbeat || !monitor) {
      return {
        kind: 'ignored',
        type: 'uptime-kuma.test',
        reason: 'a notification without monitor or heartbeat (the "Test" button)',
      }
    }
    if (heartbeat.status !== DOWN && heartbeat.status !== UP) {
      return {
        kind: 'ignored',
        type: 'uptime-kuma.heartbeat',
        reason: IGNORED_STATUS[heartbeat.status] ?? `heartbeat status ${heartbeat.status}`,
      }
    }
    const down = heartbeat.status === DOWN
    const name = monitor.pathName || monitor.name || `Monitor ${monitor.id}`
    const tags = Object.fromEntries((monitor.tags ?? []).map((tag) => [tag.name, tag.value ?? '']))
    const tenant = TENANT_TAGS.map((tag) => tags[tag]).find(Boolean)
    const resource = hostOf(monitor) ?? monitor.name ?? name
    const url = monitor.url && /^https?:\/\//i.test(monitor.url) ? monitor.url : undefined
    return {
      kind: 'alerts',
      type: `uptime-kuma.monitor.${down ? 'down' : 'up'}`,
      alerts: [
        {
          alert: {
            key: `monitor:${monitor.id}`,
            status: down ? 'firing' : 'resolved',
            severity: options.severity,
            title: `${name} is ${down ? 'down' : 'up'}`,
            description: [payload.msg, monitor.url ? `Monitored: ${monitor.url}` : undefined]
              .filter(Boolean)
              .join('\n\n'),
            occurredAt: kumaInstant(heartbeat.time),
            ...(url ? { url } : {}),
            resource: resource.slice(0, 255),
            ...(tenant ? { tenant: { name: tenant } } : {}),
            labels: { ...tags, ...(monitor.type ? { monitorType: monitor.type } : {}) },
          },
          raw: payload,
        },
      ],
    }
  },
}
