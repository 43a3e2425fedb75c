import { PayloadError } from '../../errors.js'
import { parseJsonBody } from '../parse-body.js'
import type { WebhookSource } from '../webhook-source.js'
import type { GenericOptions } from './generic-options.js'

/**
 * Any sender that POSTs JSON. It has no signature scheme of its own (the route's `auth` says how
 * to verify it) and no fixed payload shape (the route's `alert` templates say where the key,
 * status and title are). A JSON array body is one alert per element.
 */
export const genericSource: WebhookSource<GenericOptions> = {
  id: 'generic',
  description: 'any JSON sender; HMAC, bearer, header, query or Basic auth; JSONata mapping',
  needsRouteAuth: true,
  requiredAlertTemplates: ['key', 'title'],

  async normalize(request, { options }) {
    // Form bodies are refused by name (415); any other type is tried as JSON, since many senders
    // label JSON as text/plain or send no type at all.
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
    if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
      throw new PayloadError('media_unsupported', `generic routes take JSON bodies, not ${type}`)
    }
    const body = parseJsonBody(request.body)
    const items = Array.isArray(body) ? body : [body]
    const deliveryId = options.deliveryIdHeader
      ? request.headers[options.deliveryIdHeader]
      : undefined
    return {
      kind: 'alerts',
      type: options.eventType,
      ...(deliveryId ? { deliveryId } : {}),
      alerts: items.map((raw) => ({ alert: {}, raw })),
    }
  },
}
