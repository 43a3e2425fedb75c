import { SEVERITIES } from '../../alert.js'
import { safeEqual } from '../../auth/safe-equal.js'
import * as z from '../../zod-mini.js'
import { parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { AlertDraft, AuthVerdict, WebhookSource } from '../webhook-source.js'
import { type GraphNotification, GraphNotificationCollectionSchema } from './schema.js'

const CHANGE_TYPES = ['created', 'updated', 'deleted'] as const

export const MicrosoftGraphOptionsSchema = z.lazy(() =>
  z.strictObject({
    /** Change types that become alerts; others are acknowledged and ignored. @default all */
    changeTypes: z._default(z.array(z.enum(CHANGE_TYPES)).check(z.minLength(1)), [...CHANGE_TYPES]),
    /** Whether lifecycle notifications (`subscriptionRemoved`, ...) open alerts. @default "alert" */
    lifecycleNotifications: z._default(z.enum(['alert', 'ignore']), 'alert'),
    /** Severity of change notifications (Graph sends none). @default "medium" */
    severity: z._default(z.enum(SEVERITIES), 'medium'),
  }),
)

export type MicrosoftGraphOptions = z.infer<typeof MicrosoftGraphOptionsSchema>

/** Graph's tokens are short opaque strings; anything longer is not a validation request. */
const MAX_VALIDATION_TOKEN = 4096

/** What each lifecycle event asks of the operator, and how urgent it is. */
const LIFECYCLE: Record<string, { severity: (typeof SEVERITIES)[number]; action: string }> = {
  subscriptionRemoved: {
    severity: 'high',
    action: 'Graph removed the subscription: create it again, then resync the resource.',
  },
  reauthorizationRequired: {
    severity: 'medium',
    action: 'Reauthorize or renew the subscription before change notifications pause.',
  },
  missed: {
    severity: 'low',
    action: 'Some change notifications were not delivered: resync the resource.',
  },
}

const mismatch = (detail: string): AuthVerdict => ({ ok: false, code: 'signature_invalid', detail })

/**
 * Checks every notification's `clientState` against the route's secrets. A batch is accepted only
 * when all of its notifications carry a matching value: Graph never mixes in foreign ones.
 */
const verifyClientState = (body: Uint8Array, secrets: readonly string[]): AuthVerdict => {
  let parsed: unknown
  try {
    parsed = parseJsonBody(body)
  } catch {
    return { ok: false, code: 'signature_missing', detail: 'body is not JSON, so no clientState' }
  }
  const value = (parsed as { value?: unknown } | null)?.value
  if (!Array.isArray(value) || value.length === 0) {
    return { ok: false, code: 'signature_missing', detail: 'body has no value[] with clientState' }
  }
  for (const [index, item] of value.entries()) {
    const given = (item as { clientState?: unknown } | null)?.clientState
    if (typeof given !== 'string' || given === '') {
      return {
        ok: false,
        code: 'signature_missing',
        detail: `value.${index}.clientState is missing`,
      }
    }
    // Every secret is compared (no early exit) so timing does not tell which one matched.
    const matches = secrets.map((secret) => safeEqual(given, secret)).includes(true)
    if (!matches) return mismatch(`value.${index}.clientState does not match the route secret`)
  }
  return { ok: true }
}

const lifecycleDraft = (notification: GraphNotification, event: string): AlertDraft => {
  const known = Object.hasOwn(LIFECYCLE, event) ? LIFECYCLE[event] : undefined
  return {
    alert: {
      key: `graph:subscription:${notification.subscriptionId}:${event}`,
      status: 'firing',
      severity: known?.severity ?? 'medium',
      title: `Microsoft Graph subscription ${notification.subscriptionId}: ${event}`,
      description: known?.action ?? `Graph sent the lifecycle event "${event}".`,
      ...(notification.tenantId ? { tenant: { id: notification.tenantId } } : {}),
      labels: {
        subscriptionId: notification.subscriptionId,
        lifecycleEvent: event,
        ...(notification.tenantId ? { tenantId: notification.tenantId } : {}),
      },
    },
    raw: notification,
  }
}

const changeDraft = (
  notification: GraphNotification,
  changeType: string,
  severity: MicrosoftGraphOptions['severity'],
): AlertDraft => {
  const resource = notification.resource ?? notification.resourceData?.['@odata.id'] ?? ''
  const subject = notification.resourceData?.id ?? resource
  const kind = notification.resourceData?.['@odata.type']?.replace(/^#/, '') ?? 'resource'
  return {
    alert: {
      // The subscription plus the changed item: its updates and deletion land on one ticket.
      key: `graph:${notification.subscriptionId}:${subject}`,
      // A deleted item cannot be a problem any more; created and updated ones are.
      status: changeType === 'deleted' ? 'resolved' : 'firing',
      severity,
      title: `Microsoft Graph: ${kind} ${changeType}`,
      description: `${changeType} ${resource}`.trim(),
      ...(resource ? { resource: resource.slice(0, 255) } : {}),
      ...(notification.tenantId ? { tenant: { id: notification.tenantId } } : {}),
      labels: {
        subscriptionId: notification.subscriptionId,
        changeType,
        ...(notification.tenantId ? { tenantId: notification.tenantId } : {}),
        ...(notification.resourceData?.['@odata.type']
          ? { odataType: notification.resourceData['@odata.type'] }
          : {}),
      },
    },
    raw: notification,
  }
}

/**
 * Microsoft Graph change notifications (webhooks). The subscription's `validationToken` request
 * is answered before any credential, as Graph requires; every notification must then echo the
 * route's secret as its `clientState`. Lifecycle notifications become alerts for the operator.
 *
 * @see https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
 */
export const microsoftGraphSource: WebhookSource<MicrosoftGraphOptions> = {
  id: 'microsoft-graph',
  description: 'Microsoft Graph change and lifecycle notifications; clientState = route secret',
  needsRouteAuth: false,

  handshake(request) {
    // Graph POSTs `?validationToken=` when a subscription is created and expects the decoded
    // token back as text/plain within 10 s; the request carries no clientState to check yet.
    const token = request.url.searchParams.get('validationToken')
    if (token === null || token === '' || token.length > MAX_VALIDATION_TOKEN) return undefined
    return { status: 200, contentType: 'text/plain; charset=utf-8', body: token }
  },

  verify(request, { secrets }) {
    return verifyClientState(request.body, secrets)
  },

  async normalize(request, { options }) {
    const { value } = validatePayload(
      GraphNotificationCollectionSchema,
      parseJsonBody(request.body),
      'Microsoft Graph notification collection',
    )
    const drafts: AlertDraft[] = []
    let lifecycle = 0
    for (const notification of value) {
      if (notification.lifecycleEvent) {
        if (options.lifecycleNotifications === 'alert') {
          drafts.push(lifecycleDraft(notification, notification.lifecycleEvent))
          lifecycle += 1
        }
        continue
      }
      const changeType = notification.changeType ?? 'updated'
      if (!(options.changeTypes as readonly string[]).includes(changeType)) continue
      drafts.push(changeDraft(notification, changeType, options.severity))
    }
    const type =
      lifecycle === drafts.length
        ? 'microsoft-graph.lifecycle'
        : lifecycle === 0
          ? 'microsoft-graph.change'
          : 'microsoft-graph.mixed'
    if (drafts.length === 0) {
      return {
        kind: 'ignored',
        type: 'microsoft-graph.notification',
        reason: 'no notification matches the route (changeTypes / lifecycleNotifications options)',
      }
    }
    return { kind: 'alerts', type, alerts: drafts }
  },
}
