import { hmac, safeEqual } from '../../auth/safe-equal.js'
import type { AuthVerdict, InboundRequest } from '../webhook-source.js'

/** Slack's signing version; the only one it has published. */
const VERSION = 'v0'

/** `v0=<hex HMAC-SHA256 of "v0:{timestamp}:{body}">`, keyed with the app's signing secret. */
export const slackSignature = (secret: string, timestamp: string, body: Uint8Array | string) =>
  `${VERSION}=${hmac('sha256', secret, Buffer.concat([Buffer.from(`${VERSION}:${timestamp}:`), Buffer.from(body)]), 'hex')}`

/**
 * Verifies `X-Slack-Signature` over the exact body and `X-Slack-Request-Timestamp`, which must
 * be within `toleranceSeconds` of `now` (Slack's guidance is five minutes) so a captured request
 * cannot be replayed later.
 *
 * @see https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
export const verifySlackSignature = (
  request: InboundRequest,
  secrets: readonly string[],
  now: Date,
  toleranceSeconds: number,
): AuthVerdict => {
  const signature = request.headers['x-slack-signature']?.trim()
  const timestamp = request.headers['x-slack-request-timestamp']?.trim()
  if (!signature) {
    return { ok: false, code: 'signature_missing', detail: 'header x-slack-signature is missing' }
  }
  if (!timestamp) {
    return {
      ok: false,
      code: 'signature_missing',
      detail: 'header x-slack-request-timestamp is missing',
    }
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return {
      ok: false,
      code: 'timestamp_invalid',
      detail: 'x-slack-request-timestamp is not Unix time in seconds',
    }
  }
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > toleranceSeconds) {
    return {
      ok: false,
      code: 'timestamp_invalid',
      detail: `x-slack-request-timestamp is more than ${toleranceSeconds} s from now (replay?)`,
    }
  }
  const given = signature.toLowerCase()
  const matches = secrets.map((secret) =>
    safeEqual(given, slackSignature(secret, timestamp, request.body)),
  )
  return matches.includes(true)
    ? { ok: true }
    : {
        ok: false,
        code: 'signature_invalid',
        detail: 'x-slack-signature does not match (v0 HMAC-SHA256 of "v0:{timestamp}:{body}")',
      }
}
