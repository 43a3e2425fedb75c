import type { AuthVerdict, InboundRequest } from '../sources/webhook-source.js'
import type { RouteAuth } from './route-auth-schema.js'
import { hmac, safeEqualSecret, safeEqualSignature } from './safe-equal.js'

export type { RouteAuth }

const missing = (detail: string): AuthVerdict => ({ ok: false, code: 'signature_missing', detail })
const anyMatches = (given: string, candidates: readonly string[], equal = safeEqualSecret) =>
  // Every candidate is compared (no early exit) so timing does not tell which secret matched.
  candidates.map((candidate) => equal(given, candidate)).includes(true)

/** The route's HMAC scheme as a rejection names it. */
const schemeOf = (auth: Extract<RouteAuth, { type: 'hmac' }>) =>
  `HMAC-${auth.algorithm.toUpperCase()} ${auth.encoding}${auth.prefix ? ` with prefix "${auth.prefix}"` : ''}`

const verifyHmac = (
  auth: Extract<RouteAuth, { type: 'hmac' }>,
  request: InboundRequest,
  secrets: readonly string[],
): AuthVerdict => {
  const given = request.headers[auth.header]
  if (!given) return missing(`header ${auth.header} is missing`)
  if (!given.startsWith(auth.prefix)) {
    return {
      ok: false,
      code: 'signature_invalid',
      detail: `${auth.header} is not ${schemeOf(auth)}`,
    }
  }
  const digest = given.slice(auth.prefix.length).trim()
  // Hex is case-insensitive; base64 is not.
  const normalized = auth.encoding === 'hex' ? digest.toLowerCase() : digest
  const expected = secrets.map((secret) =>
    hmac(auth.algorithm, secret, request.body, auth.encoding),
  )
  return anyMatches(normalized, expected, safeEqualSignature)
    ? { ok: true }
    : {
        ok: false,
        code: 'signature_invalid',
        detail: `${auth.header} does not match the body (${schemeOf(auth)} of the raw body)`,
      }
}

const verifyBasic = (username: string, request: InboundRequest, secrets: readonly string[]) => {
  const header = request.headers.authorization
  if (!header) return missing('header authorization (Basic) is missing')
  const [scheme, encoded = ''] = header.split(' ', 2)
  if (scheme?.toLowerCase() !== 'basic') {
    return { ok: false, code: 'auth_invalid', detail: 'authorization is not Basic' } as const
  }
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const matches = anyMatches(
    decoded,
    secrets.map((secret) => `${username}:${secret}`),
  )
  return matches
    ? ({ ok: true } as const)
    : ({ ok: false, code: 'auth_invalid', detail: 'Basic credentials do not match' } as const)
}

/** Verifies a request against the route's `auth` with any of the route's secrets. */
export const verifyRouteAuth = (
  auth: RouteAuth,
  request: InboundRequest,
  secrets: readonly string[],
): AuthVerdict => {
  switch (auth.type) {
    case 'none':
      return { ok: true }
    case 'hmac':
      return verifyHmac(auth, request, secrets)
    case 'basic':
      return verifyBasic(auth.username, request, secrets)
    case 'bearer': {
      const header = request.headers.authorization
      if (!header) return missing('header authorization (Bearer) is missing')
      const token = /^bearer\s+(.+)$/i.exec(header)?.[1]?.trim()
      if (!token) return { ok: false, code: 'auth_invalid', detail: 'authorization is not Bearer' }
      return anyMatches(token, secrets)
        ? { ok: true }
        : { ok: false, code: 'auth_invalid', detail: 'bearer token does not match' }
    }
    case 'header': {
      const given = request.headers[auth.header]
      if (!given) return missing(`header ${auth.header} is missing`)
      return anyMatches(given, secrets)
        ? { ok: true }
        : { ok: false, code: 'auth_invalid', detail: `${auth.header} does not match` }
    }
    case 'query': {
      const given = request.url.searchParams.get(auth.param)
      if (!given) return missing(`query parameter ${auth.param} is missing`)
      return anyMatches(given, secrets)
        ? { ok: true }
        : {
            ok: false,
            code: 'auth_invalid',
            detail: `query parameter ${auth.param} does not match`,
          }
    }
  }
}
