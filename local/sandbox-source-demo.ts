import { randomBytes } from 'node:crypto'
import type { CompiledRoute } from '../shared/config/compile-config.js'
import type { SecretStore } from '../shared/secrets/secret-store.js'

export type SandboxSourceDemo = {
  /** The routes the demo gives a target, each without a `resolveAtSource` of its own. */
  routes: string[]
  /** `secrets` with the demo's Standard Webhooks secret under each of those routes. */
  secrets: SecretStore
  /** The secret the sandbox's receiver verifies with; made at start, never written anywhere. */
  signingSecret: string
}

/**
 * The loop closed at the source with nothing but the sandbox: every route that names no
 * `resolveAtSource` of its own (and is not itself a Halo route) gets a signed webhook to the
 * sandbox's source receiver at `receiverUrl`, with a fresh secret that lives only in memory.
 * Sets those routes' targets in `routes`; a route's own `resolveAtSource` is left as it is.
 * Undefined when every route has its own (or is a Halo route): there is nothing to stand in for.
 */
export const startSandboxSourceDemo = (
  routes: Map<string, CompiledRoute>,
  secrets: SecretStore,
  receiverUrl: string,
): SandboxSourceDemo | undefined => {
  const signingSecret = `whsec_${randomBytes(32).toString('base64')}`
  const demoRoutes = [...routes.values()].filter(
    (route) => !route.resolveAtSource && route.source.id !== 'halo',
  )
  if (demoRoutes.length === 0) return undefined
  for (const route of demoRoutes) {
    routes.set(route.name, { ...route, resolveAtSource: { kind: 'webhook', url: receiverUrl } })
  }
  const credentials = Object.fromEntries(demoRoutes.map(({ name }) => [name, { signingSecret }]))
  return {
    routes: demoRoutes.map(({ name }) => name),
    secrets: {
      async get() {
        const stored = await secrets.get()
        return { ...stored, resolveAtSource: { ...stored.resolveAtSource, ...credentials } }
      },
    },
    signingSecret,
  }
}
