import { hmac, safeEqual } from '../../auth/safe-equal.js'
import type { AuthVerdict, InboundRequest } from '../webhook-source.js'
import type { GrafanaHmacOptions } from './grafana-options.js'

/**
 * The exact bytes Grafana signs: the body, or `"<unix seconds>:"` followed by the body when a
 * timestamp header is configured (grafana/alerting `http/hmac.go`).
 */
export const grafanaSignedContent = (body: Uint8Array, timestamp: string | undefined) =>
  timestamp === undefined ? body : Buffer.concat([Buffer.from(`${timestamp}:`), body])

/** Hex HMAC-SHA256 of what Grafana signs, as its HMAC round tripper computes it. */
export const grafanaSignature = (secret: string, body: Uint8Array, timestamp?: string) =>
  hmac('sha256', secret, grafanaSignedContent(body, timestamp), 'hex')

/**
 * Verifies Grafana's optional HMAC signature over the exact bytes received, with any of the
 * route's secrets, and the timestamp's distance from `now` when a timestamp header is configured.
 */
export const verifyGrafanaSignature = (
  options: GrafanaHmacOptions,
  request: InboundRequest,
  secrets: readonly string[],
  now: Date,
): AuthVerdict => {
  const given = request.headers[options.header]
  if (!given) {
    return { ok: false, code: 'signature_missing', detail: `header ${options.header} is missing` }
  }
  let timestamp: string | undefined
  if (options.timestampHeader) {
    timestamp = request.headers[options.timestampHeader]
    if (!timestamp) {
      return {
        ok: false,
        code: 'signature_missing',
        detail: `header ${options.timestampHeader} is missing`,
      }
    }
    const skew = Math.abs(now.getTime() / 1000 - Number(timestamp))
    if (!/^\d{1,12}$/.test(timestamp) || skew > options.toleranceSeconds) {
      return {
        ok: false,
        code: 'timestamp_invalid',
        detail: `${options.timestampHeader} is not Unix seconds within ${options.toleranceSeconds} s of now`,
      }
    }
  }
  // Hex is case-insensitive. Every secret is compared so timing does not tell which one matched.
  const normalized = given.trim().toLowerCase()
  const matches = secrets
    .map((secret) => safeEqual(normalized, grafanaSignature(secret, request.body, timestamp)))
    .includes(true)
  return matches
    ? { ok: true }
    : {
        ok: false,
        code: 'signature_invalid',
        detail: `${options.header} does not match the body (hex HMAC-SHA256${timestamp ? ' of "<timestamp>:<body>"' : ''})`,
      }
}
