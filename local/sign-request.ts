import type { CompiledRoute } from '../shared/config/compile-config.js'
import { signers } from './signers/registry.js'
import { signForRouteAuth } from './signers/route-auth-signer.js'
import type { SignedRequest } from './signers/signer.js'

/** Signs `body` for `route` exactly as its sender would, with the route's current secret. */
export const signRequest = (
  route: CompiledRoute,
  input: { body: string; secret: string; url: URL; now: Date },
): SignedRequest => {
  const signer = route.auth ? undefined : signers[route.source.id]
  if (signer) return signer({ ...input, options: route.options })
  if (!route.auth) throw new Error(`no signer for source ${route.source.id}`)
  return signForRouteAuth(route.auth, { ...input, options: route.options })
}
