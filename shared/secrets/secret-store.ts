import type * as z from '../zod-mini.js'
import type { RotatingSecretSchema, SecretsSchema } from './secrets-schema.js'

export type RotatingSecret = z.infer<typeof RotatingSecretSchema>
export type Secrets = z.infer<typeof SecretsSchema>

/**
 * The part of {@link Secrets} one AWS secret holds: `routes` (the signing secrets, read by
 * ingest, which faces the internet) or `halo` (the Halo credentials and the `resolveAtSource`
 * ones: what deliver calls out with).
 */
export type SecretPart = 'routes' | 'halo'

/** The other part, when `secrets` still holds it (a secret from before the split). */
export const strayPartOf = (secrets: Secrets, part: SecretPart): SecretPart | undefined => {
  if (part === 'routes') return secrets.halo || secrets.resolveAtSource ? 'halo' : undefined
  return Object.keys(secrets.routes).length > 0 ? 'routes' : undefined
}

/** Only `part` of `secrets`: what a function that reads that part may keep. */
export const onlyPart = (secrets: Secrets, part: SecretPart): Secrets =>
  part === 'routes'
    ? { routes: secrets.routes }
    : {
        routes: {},
        ...(secrets.halo ? { halo: secrets.halo } : {}),
        ...(secrets.resolveAtSource ? { resolveAtSource: secrets.resolveAtSource } : {}),
      }

/** How fresh a caller needs the value: see {@link SecretStore.get}. */
export type SecretFreshness = {
  /**
   * Read the secret again if the value held was read longer ago than this. A caller asks when the
   * value it has lacks what it needs (no credentials yet, a signature no secret verifies), so a
   * value just stored is seen within this time instead of the cache's, and a flood of bad
   * requests costs at most one read per this time.
   */
  maxAgeMs: number
}

/** Where secret values come from. Adapters cache as they see fit; callers ask on every use. */
export interface SecretStore {
  /** Throws `ConfigError` when the secret is missing or not of the documented shape. */
  get(freshness?: SecretFreshness): Promise<Secrets>
}

/** How old a held value may be when it lacks something a caller needs. */
export const RECHECK_MISSING_SECRET_MS = 30_000

/** The secrets that verify a route's requests, newest first. Empty when none is configured. */
export const signingSecretsOf = (secrets: Secrets, route: string): string[] => {
  const secret = secrets.routes[route]
  if (!secret) return []
  return secret.previous ? [secret.current, secret.previous] : [secret.current]
}
