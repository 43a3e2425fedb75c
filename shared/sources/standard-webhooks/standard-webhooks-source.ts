import * as z from '../../zod-mini.js'
import { parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { WebhookSource } from '../webhook-source.js'
import { StandardWebhookPayloadSchema } from './schema.js'
import { messageIdOf, verifyStandardWebhook } from './standard-webhooks-signature.js'

/** Per-route options of the `standard-webhooks` source. */
export const StandardWebhooksOptionsSchema = z.lazy(() =>
  z.strictObject({
    /**
     * Payload `type`s this route acts on (`invoice.paid`, or a prefix such as `invoice.*`); others
     * are acknowledged and ignored. @default every type
     */
    eventTypes: z.optional(
      z
        .array(
          z.string().check(z.regex(/^[^\s*]+(\.\*)?$|^\*$/, 'a type, or a prefix ending in .*')),
        )
        .check(z.minLength(1)),
    ),
    /** How far the signed timestamp may be from now, either way. @default 300 (the spec's 5 minutes) */
    toleranceSeconds: z._default(z.number().check(z.int(), z.gte(30), z.lte(3600)), 300),
    /**
     * `base64`: the secret is `whsec_<base64>` (or bare base64), as Standard Webhooks and Svix
     * senders show it. `raw`: the secret's own UTF-8 bytes are the key. @default "base64"
     */
    secretFormat: z._default(z.enum(['base64', 'raw']), 'base64'),
  }),
)

export type StandardWebhooksOptions = z.infer<typeof StandardWebhooksOptionsSchema>

const matchesType = (patterns: readonly string[] | undefined, type: string | undefined) =>
  !patterns ||
  patterns.some((pattern) =>
    pattern === '*'
      ? true
      : pattern.endsWith('.*')
        ? (type ?? '').startsWith(pattern.slice(0, -1))
        : pattern === type,
  )

/** The payload's own type as the dotted lower-case tail of ours. */
const typeSuffix = (type: string | undefined) =>
  (type ?? 'event')
    .toLowerCase()
    .replace(/[^a-z0-9_.]+/g, '_')
    .replace(/^[._]+|[._]+$/g, '')
    .slice(0, 100) || 'event'

/**
 * Any sender that follows the Standard Webhooks spec, and Svix (which sends the same scheme
 * under `svix-*` header names). The scheme is verified here; the payload has no fixed shape, so
 * the route's `alert` templates must say where the key and title are.
 *
 * @see https://www.standardwebhooks.com
 */
export const standardWebhooksSource: WebhookSource<StandardWebhooksOptions> = {
  id: 'standard-webhooks',
  description: 'Standard Webhooks and Svix senders (webhook-*/svix-* headers, v1 HMAC signatures)',
  needsRouteAuth: false,
  requiredAlertTemplates: ['key', 'title'],

  verify(request, { options, secrets, now }) {
    return verifyStandardWebhook(
      request,
      { secrets, secretFormat: options.secretFormat, toleranceSeconds: options.toleranceSeconds },
      now,
    )
  },

  async normalize(request, { options }) {
    const payload = validatePayload(
      StandardWebhookPayloadSchema,
      parseJsonBody(request.body),
      'Standard Webhooks payload',
    )
    const type = `standard-webhooks.${typeSuffix(payload.type)}`
    if (!matchesType(options.eventTypes, payload.type)) {
      return {
        kind: 'ignored',
        type,
        reason: `the route does not act on "${payload.type ?? '(no type)'}" events`,
      }
    }
    const deliveryId = messageIdOf(request)
    return {
      kind: 'alerts',
      type,
      ...(deliveryId ? { deliveryId } : {}),
      alerts: [
        {
          alert: {
            ...(payload.timestamp ? { occurredAt: payload.timestamp } : {}),
            ...(payload.type ? { labels: { type: payload.type } } : {}),
          },
          raw: payload,
        },
      ],
    }
  },
}
