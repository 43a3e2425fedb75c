import type { SecretStore, Secrets } from './secret-store.js'

/** Secrets held in memory, replaceable at run time (tests rotate secrets through `set`). */
export const createMemorySecretStore = (initial: Secrets) => {
  let secrets = structuredClone(initial)
  const store = {
    get: async () => secrets,
    set(next: Secrets) {
      secrets = structuredClone(next)
    },
  }
  return store satisfies SecretStore
}
