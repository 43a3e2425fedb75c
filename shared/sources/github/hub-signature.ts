import { hmac, safeEqual } from '../../auth/safe-equal.js'
import type { AuthVerdict, InboundRequest } from '../webhook-source.js'

const PREFIX = 'sha256='

/**
 * Verifies a WebSub-style `sha256=<hex HMAC-SHA256 of the raw body>` header, as GitHub sends in
 * `X-Hub-Signature-256` and Jira admin webhooks send in `X-Hub-Signature`. Any of `secrets` may
 * match (a rotation in flight); every one is compared, so timing does not tell which matched.
 *
 * @param header - lower-case header name carrying the signature
 * @returns a verdict value; a mismatch is never thrown
 */
export const verifyHubSignature = (
  request: InboundRequest,
  secrets: readonly string[],
  header: string,
): AuthVerdict => {
  const given = request.headers[header]?.trim()
  if (!given) return { ok: false, code: 'signature_missing', detail: `header ${header} is missing` }
  if (!given.toLowerCase().startsWith(PREFIX)) {
    return {
      ok: false,
      code: 'signature_invalid',
      detail: `${header} is not "sha256=<hex HMAC-SHA256 of the body>"`,
    }
  }
  // Hex digits are case-insensitive; the senders write lower case.
  const digest = given.slice(PREFIX.length).toLowerCase()
  const matches = secrets.map((secret) =>
    safeEqual(digest, hmac('sha256', secret, request.body, 'hex')),
  )
  return matches.includes(true)
    ? { ok: true }
    : {
        ok: false,
        code: 'signature_invalid',
        detail: `${header} does not match the body (HMAC-SHA256 of the raw body, hex)`,
      }
}
