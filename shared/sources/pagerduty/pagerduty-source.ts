import { normalizeSeverity } from '../../alert.js'
import { hmac, safeEqual } from '../../auth/safe-equal.js'
import * as z from '../../zod-mini.js'
import { parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { AuthVerdict, SourceResult, WebhookSource } from '../webhook-source.js'
import { PagerDutyIncidentSchema, PagerDutyWebhookSchema } from './schema.js'

const DEFAULT_EVENTS = ['incident.triggered', 'incident.reopened', 'incident.resolved']

/** Per-route options of the `pagerduty` source. */
export const PagerDutyOptionsSchema = z.lazy(() =>
  z.strictObject({
    /**
     * Incident event types this route acts on. Add `incident.acknowledged`,
     * `incident.escalated`, `incident.priority_updated`, ... to note them on the open ticket.
     * @default ["incident.triggered", "incident.reopened", "incident.resolved"]
     */
    events: z._default(
      z
        .array(
          z
            .string()
            .check(
              z.regex(/^incident\.[a-z_]+$/, 'an incident event type, e.g. incident.acknowledged'),
            ),
        )
        .check(z.minLength(1)),
      DEFAULT_EVENTS,
    ),
  }),
)

export type PagerDutyOptions = z.infer<typeof PagerDutyOptionsSchema>

/**
 * Verifies `X-PagerDuty-Signature`: a comma-separated list of `v1=<hex HMAC-SHA256 of the raw
 * body>`, one per subscription secret while PagerDuty rotates it. Any entry may match any of the
 * route's secrets.
 *
 * @see https://developer.pagerduty.com/docs/webhooks/webhook-signatures
 */
export const verifyPagerDutySignature = (
  header: string | undefined,
  body: Uint8Array,
  secrets: readonly string[],
): AuthVerdict => {
  if (!header?.trim()) {
    return {
      ok: false,
      code: 'signature_missing',
      detail: 'header x-pagerduty-signature is missing',
    }
  }
  const given = header
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('v1='))
    .map((entry) => entry.slice(3).toLowerCase())
  if (given.length === 0) {
    return {
      ok: false,
      code: 'signature_invalid',
      detail: 'x-pagerduty-signature holds no v1= signature',
    }
  }
  const expected = secrets.map((secret) => hmac('sha256', secret, body, 'hex'))
  // Every pair is compared (no early exit), so timing does not tell which one matched.
  const matches = given.flatMap((candidate) => expected.map((value) => safeEqual(candidate, value)))
  return matches.includes(true)
    ? { ok: true }
    : {
        ok: false,
        code: 'signature_invalid',
        detail: 'no v1= entry of x-pagerduty-signature matches the body (HMAC-SHA256 hex)',
      }
}

const word = (value: string) =>
  value
    .toLowerCase()
    .replace(/[^a-z0-9_.]+/g, '_')
    .slice(0, 100)

/**
 * PagerDuty v3 webhook subscriptions. Verifies `X-PagerDuty-Signature`, dedupes on
 * `X-Webhook-Id`, and follows an incident from trigger to resolution under one key (the
 * incident id); other resources (services, ...) and `pagey.ping` are acknowledged and ignored.
 *
 * @see https://developer.pagerduty.com/docs/webhooks/v3-overview
 */
export const pagerDutySource: WebhookSource<PagerDutyOptions> = {
  id: 'pagerduty',
  description: 'PagerDuty v3 webhooks: incidents from trigger to resolution',
  needsRouteAuth: false,

  verify(request, { secrets }) {
    return verifyPagerDutySignature(request.headers['x-pagerduty-signature'], request.body, secrets)
  },

  async normalize(request, { options }): Promise<SourceResult> {
    const { event } = validatePayload(
      PagerDutyWebhookSchema,
      parseJsonBody(request.body),
      'PagerDuty webhook',
    )
    const type = `pagerduty.${word(event.event_type)}`
    const ignored = (reason: string): SourceResult => ({ kind: 'ignored', type, reason })
    if (!event.event_type.startsWith('incident.')) {
      return ignored(`PagerDuty "${event.event_type}" events are not about incidents`)
    }
    if (!options.events.includes(event.event_type)) {
      return ignored(`the route does not act on "${event.event_type}"`)
    }
    const incident = validatePayload(PagerDutyIncidentSchema, event.data, 'PagerDuty incident')
    const resolved = event.event_type === 'incident.resolved'
    const service = incident.service?.summary ?? undefined
    const assignees = (incident.assignees ?? [])
      .map((assignee) => assignee.summary)
      .filter((name): name is string => Boolean(name))
    const deliveryId = request.headers['x-webhook-id']?.trim() || undefined
    return {
      kind: 'alerts',
      type,
      // PagerDuty repeats X-Webhook-Id on every retry; the event id also identifies the event.
      deliveryId: deliveryId ?? event.id,
      alerts: [
        {
          alert: {
            // The incident id holds from trigger to resolve, across acks and escalations.
            key: `pagerduty:incident:${incident.id}`,
            status: resolved ? 'resolved' : 'firing',
            // A priority (P1..P5) is sharper than urgency (high/low) when the account uses them.
            severity: normalizeSeverity(incident.priority?.summary ?? incident.urgency),
            title: incident.title ?? `PagerDuty incident ${incident.number ?? incident.id}`,
            description: [
              `${event.event_type}${event.agent?.summary ? ` by ${event.agent.summary}` : ''}`,
              service ? `Service: ${service}` : '',
              incident.escalation_policy?.summary
                ? `Escalation policy: ${incident.escalation_policy.summary}`
                : '',
              assignees.length ? `Assigned to: ${assignees.join(', ')}` : '',
            ]
              .filter(Boolean)
              .join('\n'),
            ...(incident.html_url ? { url: incident.html_url } : {}),
            ...(event.occurred_at ? { occurredAt: event.occurred_at } : {}),
            ...(service ? { resource: service } : {}),
            labels: {
              event: event.event_type,
              ...(incident.number != null ? { number: String(incident.number) } : {}),
              ...(incident.urgency ? { urgency: incident.urgency } : {}),
              ...(incident.priority?.summary ? { priority: incident.priority.summary } : {}),
              ...(incident.incident_key ? { incidentKey: incident.incident_key } : {}),
              ...(incident.service?.id ? { serviceId: incident.service.id } : {}),
            },
          },
          raw: { event },
        },
      ],
    }
  },
}
