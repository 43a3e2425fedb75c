import { createHmac } from 'node:crypto'
import { safeEqual } from '../../auth/safe-equal.js'
import type { AuthVerdict, InboundRequest } from '../webhook-source.js'

/** How a route's secret turns into the HMAC key. */
export type SecretFormat = 'base64' | 'raw'

const SECRET_PREFIX = 'whsec_'

/**
 * The HMAC key for a secret. Senders show symmetric secrets as `whsec_<base64>`; the key is the
 * decoded bytes (the reference libraries also base64-decode a secret given without the prefix).
 * `raw` uses the secret's UTF-8 bytes, for senders that hand out plain strings.
 */
export const signingKey = (secret: string, format: SecretFormat): Uint8Array =>
  format === 'raw'
    ? Buffer.from(secret, 'utf8')
    : Buffer.from(
        secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
        'base64',
      )

/** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, the symmetric signature of the spec. */
export const signStandardWebhook = (
  key: Uint8Array,
  id: string,
  timestamp: string,
  body: Uint8Array | string,
): string =>
  `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`

/** The three headers, under either naming: the spec's `webhook-*` or Svix's `svix-*`. */
const headerOf = (request: InboundRequest, name: 'id' | 'timestamp' | 'signature') => {
  const standard = request.headers[`webhook-${name}`]
  if (standard !== undefined) return { name: `webhook-${name}`, value: standard.trim() }
  const svix = request.headers[`svix-${name}`]
  if (svix !== undefined) return { name: `svix-${name}`, value: svix.trim() }
  return { name: `webhook-${name}`, value: '' }
}

/** The delivery id of a Standard Webhooks (or Svix) request, stable across retries. */
export const messageIdOf = (request: InboundRequest): string | undefined =>
  headerOf(request, 'id').value || undefined

/**
 * Verifies a Standard Webhooks / Svix request: the signed content is `{id}.{timestamp}.{body}`
 * over the exact body bytes, the timestamp must lie within `toleranceSeconds` of `now` (either
 * side), and any `v1` entry of the space-separated signature list may match any secret.
 *
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export const verifyStandardWebhook = (
  request: InboundRequest,
  options: { secrets: readonly string[]; secretFormat: SecretFormat; toleranceSeconds: number },
  now: Date,
): AuthVerdict => {
  const id = headerOf(request, 'id')
  const timestamp = headerOf(request, 'timestamp')
  const signature = headerOf(request, 'signature')
  for (const header of [id, timestamp, signature]) {
    if (!header.value) {
      return { ok: false, code: 'signature_missing', detail: `header ${header.name} is missing` }
    }
  }
  // A "." in the id or timestamp would let one signed content pass for another.
  if (id.value.includes('.')) {
    return { ok: false, code: 'signature_invalid', detail: `${id.name} must not contain "."` }
  }
  if (!/^\d{1,12}$/.test(timestamp.value)) {
    return {
      ok: false,
      code: 'timestamp_invalid',
      detail: `${timestamp.name} is not Unix time in seconds`,
    }
  }
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp.value))
  if (skew > options.toleranceSeconds) {
    return {
      ok: false,
      code: 'timestamp_invalid',
      detail: `${timestamp.name} is more than ${options.toleranceSeconds} s from now (replay?)`,
    }
  }
  const given = signature.value.split(' ').filter((entry) => entry.startsWith('v1,'))
  if (given.length === 0) {
    return {
      ok: false,
      code: 'signature_invalid',
      detail: `${signature.name} holds no "v1," (HMAC-SHA256) signature`,
    }
  }
  // A secret that decodes to no bytes would make an empty HMAC key anyone can sign with.
  const keys = options.secrets
    .map((secret) => signingKey(secret, options.secretFormat))
    .filter((key) => key.byteLength > 0)
  if (keys.length === 0) {
    return {
      ok: false,
      code: 'signature_invalid',
      detail: `the route's secret yields no key (expected whsec_<base64>; or set secretFormat "raw")`,
    }
  }
  const expected = keys.map((key) =>
    signStandardWebhook(key, id.value, timestamp.value, request.body),
  )
  // Every pair is compared (no early exit), so timing does not tell which one matched.
  const matches = given.flatMap((candidate) => expected.map((value) => safeEqual(candidate, value)))
  return matches.includes(true)
    ? { ok: true }
    : {
        ok: false,
        code: 'signature_invalid',
        detail: `${signature.name} does not match (HMAC-SHA256 of "{id}.{timestamp}.{body}")`,
      }
}
