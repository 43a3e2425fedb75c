import { type AlertInput, normalizeSeverity } from '../../alert.js'
import { hmac, safeEqual } from '../../auth/safe-equal.js'
import * as z from '../../zod-mini.js'
import { parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { SourceResult, WebhookSource } from '../webhook-source.js'
import {
  SentryAnyWebhookSchema,
  SentryEventAlertWebhookSchema,
  SentryIssueWebhookSchema,
  SentryMetricAlertWebhookSchema,
} from './schema.js'

const RESOURCES = ['issue', 'event_alert', 'metric_alert'] as const

/** Per-route options of the `sentry` source. */
export const SentryOptionsSchema = z.lazy(() =>
  z.strictObject({
    /** `Sentry-Hook-Resource`s this route acts on; others are acknowledged and ignored. */
    resources: z._default(z.array(z.enum(RESOURCES)).check(z.minLength(1)), [...RESOURCES]),
  }),
)

export type SentryOptions = z.infer<typeof SentryOptionsSchema>

/** Issue actions that open or end a problem; assignment and the like are not lifecycle. */
const ISSUE_FIRING = ['created', 'unresolved']
// Archiving (formerly "ignored") in Sentry means "stop telling us", so the ticket closes too.
const ISSUE_RESOLVED = ['resolved', 'archived', 'ignored']

/** Older senders leave out the header; the body's `data` tells the resource as well. */
const resourceOf = (header: string | undefined, body: unknown): string | undefined => {
  if (header) return header.trim().toLowerCase()
  const data = (body as { data?: Record<string, unknown> } | null)?.data
  if (!data || typeof data !== 'object') return undefined
  if ('metric_alert' in data) return 'metric_alert'
  if ('event' in data && 'triggered_rule' in data) return 'event_alert'
  if ('issue' in data) return 'issue'
  if ('installation' in data) return 'installation'
  return undefined
}

const word = (value: string) =>
  value
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 64)

const tenantOf = (installation: { uuid: string } | null | undefined) =>
  installation ? { tenant: { id: installation.uuid } } : {}

/**
 * Sentry integration-platform webhooks (an internal or public integration). Verifies
 * `Sentry-Hook-Signature` (hex HMAC-SHA256 of the raw body with the integration's client secret),
 * dedupes on `Request-ID`, and drafts alerts from issues, issue alerts and metric alerts. An issue
 * alert and the issue's own webhooks share one key, so resolving the issue in Sentry closes the
 * ticket its alert opened.
 *
 * @see https://docs.sentry.io/organization/integrations/integration-platform/webhooks/
 */
export const sentrySource: WebhookSource<SentryOptions> = {
  id: 'sentry',
  description: 'Sentry integration webhooks: issues, issue alerts and metric alerts',
  needsRouteAuth: false,

  verify(request, { secrets }) {
    const given = request.headers['sentry-hook-signature']?.trim().toLowerCase()
    if (!given) {
      return {
        ok: false,
        code: 'signature_missing',
        detail: 'header sentry-hook-signature is missing',
      }
    }
    const matches = secrets.map((secret) =>
      safeEqual(given, hmac('sha256', secret, request.body, 'hex')),
    )
    return matches.includes(true)
      ? { ok: true }
      : {
          ok: false,
          code: 'signature_invalid',
          detail: 'sentry-hook-signature does not match the body (HMAC-SHA256 hex, client secret)',
        }
  },

  async normalize(request, { options }): Promise<SourceResult> {
    const body = parseJsonBody(request.body)
    const any = validatePayload(SentryAnyWebhookSchema, body, 'Sentry webhook')
    // The header is not covered by the signature: keep it to the characters resource names use.
    const resource = word(resourceOf(request.headers['sentry-hook-resource'], body) ?? 'unknown')
    const type = `sentry.${resource}${any.action ? `.${word(any.action)}` : ''}`
    const deliveryId = request.headers['request-id']?.trim() || undefined
    const ignored = (reason: string): SourceResult => ({ kind: 'ignored', type, reason })
    const one = (alert: Partial<AlertInput>, raw: unknown): SourceResult => ({
      kind: 'alerts',
      type,
      ...(deliveryId ? { deliveryId } : {}),
      alerts: [{ alert, raw }],
    })

    if (!(RESOURCES as readonly string[]).includes(resource)) {
      return ignored(`Sentry "${resource}" webhooks are not alerts`)
    }
    if (!(options.resources as readonly string[]).includes(resource)) {
      return ignored(`the route does not act on Sentry "${resource}" webhooks`)
    }

    if (resource === 'issue') {
      const payload = validatePayload(SentryIssueWebhookSchema, body, 'Sentry issue webhook')
      const status = ISSUE_FIRING.includes(payload.action)
        ? 'firing'
        : ISSUE_RESOLVED.includes(payload.action)
          ? 'resolved'
          : undefined
      if (!status) return ignored(`issue.${payload.action} does not open or close the issue`)
      const { issue } = payload.data
      const project = issue.project?.slug ?? issue.project?.name
      const title = issue.title || `Sentry issue ${issue.shortId ?? issue.id}`
      return one(
        {
          key: `sentry:issue:${issue.id}`,
          status,
          severity: normalizeSeverity(issue.level),
          title: project ? `${project}: ${title}` : title,
          description: [issue.culprit, issue.shortId ? `Sentry issue ${issue.shortId}` : '']
            .filter(Boolean)
            .join('\n'),
          ...(issue.permalink || issue.web_url
            ? { url: issue.permalink ?? issue.web_url ?? '' }
            : {}),
          ...(issue.lastSeen ? { occurredAt: issue.lastSeen } : {}),
          ...(project ? { resource: project } : {}),
          ...tenantOf(payload.installation),
          labels: {
            resource,
            action: payload.action,
            ...(project ? { project } : {}),
            ...(issue.shortId ? { shortId: issue.shortId } : {}),
            ...(issue.level ? { level: issue.level } : {}),
            ...(issue.platform ? { platform: issue.platform } : {}),
          },
        },
        payload,
      )
    }

    if (resource === 'event_alert') {
      const payload = validatePayload(SentryEventAlertWebhookSchema, body, 'Sentry issue alert')
      if (payload.action !== 'triggered')
        return ignored(`event_alert.${payload.action} is not a trigger`)
      const { event, triggered_rule: rule } = payload.data
      return one(
        {
          // The issue's key: the issue webhooks (resolved, archived) then close this ticket.
          key: `sentry:issue:${event.issue_id}`,
          status: 'firing',
          severity: normalizeSeverity(event.level),
          title: event.title || `Sentry issue ${event.issue_id}`,
          description: [
            rule ? `Alert rule "${rule}" fired.` : '',
            event.culprit ? `Culprit: ${event.culprit}` : '',
            event.message ?? '',
          ]
            .filter(Boolean)
            .join('\n'),
          ...(event.web_url ? { url: event.web_url } : {}),
          ...(event.datetime ? { occurredAt: event.datetime } : {}),
          ...tenantOf(payload.installation),
          labels: {
            resource,
            action: payload.action,
            ...(rule ? { rule } : {}),
            ...(event.level ? { level: event.level } : {}),
            ...(event.platform ? { platform: event.platform } : {}),
            ...(event.event_id ? { eventId: event.event_id } : {}),
          },
        },
        payload,
      )
    }

    const payload = validatePayload(SentryMetricAlertWebhookSchema, body, 'Sentry metric alert')
    const action = payload.action
    if (!['critical', 'warning', 'resolved'].includes(action)) {
      return ignored(`metric_alert.${action} is not a state change`)
    }
    const incident = payload.data.metric_alert
    const resolved = action === 'resolved'
    const occurredAt = resolved
      ? incident.date_closed
      : (incident.date_detected ?? incident.date_started)
    const projects = incident.projects?.join(',')
    return one(
      {
        // One incident of one rule: critical → warning → resolved all update the same ticket.
        key: `sentry:metric-alert:${incident.alert_rule.id}:${incident.id}`,
        status: resolved ? 'resolved' : 'firing',
        severity: resolved ? 'info' : normalizeSeverity(action),
        title:
          payload.data.description_title ||
          incident.alert_rule.name ||
          `Sentry metric alert ${incident.alert_rule.id}`,
        description: payload.data.description_text ?? '',
        ...(payload.data.web_url ? { url: payload.data.web_url } : {}),
        ...(occurredAt ? { occurredAt } : {}),
        ...(projects ? { resource: projects } : {}),
        ...tenantOf(payload.installation),
        labels: {
          resource,
          action,
          ...(incident.alert_rule.name ? { rule: incident.alert_rule.name } : {}),
          ...(projects ? { projects } : {}),
        },
      },
      payload,
    )
  },
}
