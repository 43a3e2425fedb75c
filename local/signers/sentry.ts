import { randomUUID } from 'node:crypto'
import { hmac } from '../../shared/auth/safe-equal.js'
import type { Signer } from './signer.js'

/** The `Sentry-Hook-Resource` of a payload, told from what its `data` holds. */
const resourceOf = (body: string): string => {
  try {
    const data = (JSON.parse(body) as { data?: Record<string, unknown> }).data ?? {}
    if ('metric_alert' in data) return 'metric_alert'
    if ('event' in data) return 'event_alert'
    if ('installation' in data) return 'installation'
  } catch {
    // Not JSON: let ingest say so.
  }
  return 'issue'
}

/** Signs like Sentry: `Sentry-Hook-Signature` = hex HMAC-SHA256 of the body (client secret). */
export const signSentry: Signer = ({ body, secret, url, now }) => ({
  url,
  headers: {
    'content-type': 'application/json',
    'request-id': randomUUID(),
    'sentry-hook-resource': resourceOf(body),
    'sentry-hook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'sentry-hook-signature': hmac('sha256', secret, body, 'hex'),
  },
})
