import type { RouteAuth } from '../../shared/auth/route-auth.js'
import { hmac } from '../../shared/auth/safe-equal.js'
import type { SignedRequest, SignInput } from './signer.js'

/** Signs a request for a route's own `auth` (senders without a scheme of their own). */
export const signForRouteAuth = (auth: RouteAuth, input: SignInput): SignedRequest => {
  const url = new URL(input.url)
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  switch (auth.type) {
    case 'hmac':
      headers[auth.header] =
        auth.prefix + hmac(auth.algorithm, input.secret, input.body, auth.encoding)
      break
    case 'bearer':
      headers.authorization = `Bearer ${input.secret}`
      break
    case 'header':
      headers[auth.header] = input.secret
      break
    case 'query':
      url.searchParams.set(auth.param, input.secret)
      break
    case 'basic':
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${input.secret}`).toString('base64')}`
      break
    case 'none':
      break
  }
  return { headers, url }
}
