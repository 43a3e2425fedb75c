import type { DeliverDeps } from '../../functions/deliver/deliver-event.js'
import { SANDBOX_CREDENTIALS } from '../../local/halo-sandbox/halo-sandbox.js'
import type { DeliveryRoute } from '../../shared/config/compile-config.js'
import { createHaloClient } from '../../shared/halo/halo-client.js'
import { createHaloDirectory } from '../../shared/halo/halo-directory.js'
import { createMemoryCorrelationStore } from '../../shared/lifecycle/memory-correlation-store.js'
import { createJsonLogger } from '../../shared/observability.js'
import { createResolveAtSource } from '../../shared/outbound/resolve-at-source.js'
import { createMemorySecretStore } from '../../shared/secrets/memory-secret-store.js'

/**
 * What `deliverEvent` runs with against a Halo sandbox at `url`: a real Halo client (one attempt
 * per call, so a fault shows at once), a directory, a memory store, no route resolving at its
 * source, and the clock and log the test gives.
 */
export const sandboxDeliverDeps = (options: {
  url: string
  routes: ReadonlyMap<string, DeliveryRoute>
  now: () => Date
  /** Where log lines go. @default nowhere */
  log?: (line: string) => void
}) => {
  const halo = createHaloClient({ baseUrl: options.url, ...SANDBOX_CREDENTIALS, maxAttempts: 1 })
  const store = createMemoryCorrelationStore()
  const deps = {
    routes: options.routes,
    halo,
    directory: createHaloDirectory(halo, { ttlMs: 60_000 }),
    store,
    logger: createJsonLogger({ write: options.log ?? (() => undefined) }),
    resolveAtSource: createResolveAtSource({ secrets: createMemorySecretStore({ routes: {} }) }),
    now: options.now,
  } satisfies DeliverDeps
  return { deps, store, halo }
}
