import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import { AppError, ConfigError, SecretUnavailableError } from '../errors.js'
import type { Logger } from '../observability.js'
import { readSecrets, secretJson } from './read-secrets.js'
import {
  onlyPart,
  type SecretPart,
  type SecretStore,
  type Secrets,
  strayPartOf,
} from './secret-store.js'

export type AwsSecretStoreOptions = {
  client: SecretsManagerClient
  /** Name or ARN of the secret. */
  secretId: string
  /**
   * The part this secret holds. The other part, should the secret still hold it (one secret from
   * before the split), is left out of what `get` returns and a warning says to split it.
   * @default both parts
   */
  holds?: SecretPart
  /**
   * How long a fetched value is used before it is read again, in ms, unless a caller asks for a
   * fresher one (`get({ maxAgeMs })`). @default 900_000
   */
  ttlMs?: number
  /**
   * After a failed read, how long before Secrets Manager is asked again; meanwhile the last good
   * value is used, or (with none) the failure is repeated. @default 30_000
   */
  retryAfterMs?: number
  now?: () => number
  logger?: Logger
}

/**
 * {@link SecretStore} on one Secrets Manager secret (JSON in the documented shape), of which it
 * keeps only the part the secret `holds`. The value is
 * cached as a promise for `ttlMs`, so the concurrent records of a batch share one read, and a
 * rotated secret is live within `ttlMs` without a redeploy; a caller whose value lacks what it
 * needs asks for a fresher one (`get({ maxAgeMs })`) and gets it read again when it is older. When Secrets Manager fails or the
 * secret is edited into an invalid shape, the last good value stays in use (and a warning naming
 * the problem, never a value, is logged); without one, `get` throws `ConfigError` (missing or
 * invalid secret) or `SecretUnavailableError` (Secrets Manager unreachable, retryable). Either
 * way Secrets Manager is asked again only after `retryAfterMs`.
 */
export const createAwsSecretStore = (options: AwsSecretStoreOptions): SecretStore => {
  const ttlMs = options.ttlMs ?? 900_000
  const retryAfterMs = options.retryAfterMs ?? 30_000
  const now = options.now ?? Date.now
  const origin = `secret ${options.secretId}`

  let cached: { value: Promise<Secrets>; expiresAt: number; readAt: number } | undefined
  let lastGood: Secrets | undefined

  const read = async (): Promise<Secrets> => {
    let text: string | undefined
    try {
      const result = await options.client.send(
        new GetSecretValueCommand({ SecretId: options.secretId }),
      )
      text = result.SecretString
    } catch (error) {
      if (error instanceof ResourceNotFoundException) {
        throw new ConfigError(`${origin} does not exist`, [], { cause: error })
      }
      const name = error instanceof Error ? error.name : 'unknown'
      throw new SecretUnavailableError(`${origin} could not be read (${name})`, { cause: error })
    }
    if (text === undefined) throw new ConfigError(`${origin} has no string value`)
    const json = secretJson(text, origin)
    // The schema (and zod) only for a secret that is not plainly well formed.
    const secrets =
      readSecrets(json) ?? (await import('./parse-secrets.js')).parseSecretJson(json, origin)
    if (!options.holds) return secrets
    const stray = strayPartOf(secrets, options.holds)
    if (stray) {
      options.logger?.warn('secret holds a part another function reads; split it', {
        secret: options.secretId,
        holds: options.holds,
        stray,
        fix: 'npm run secrets -- split (docs/deploy.md, "Upgrading from one secret")',
      })
    }
    return onlyPart(secrets, options.holds)
  }

  const refresh = (at: number) => {
    const value = read().then(
      (secrets) => {
        lastGood = secrets
        return secrets
      },
      (error: unknown) => {
        if (!lastGood) {
          // Nothing to fall back on: fail fast for a short while instead of one read per request.
          if (cached?.value === value) cached.expiresAt = now() + retryAfterMs
          throw error
        }
        options.logger?.warn('secret read failed; using the last good value', {
          secret: options.secretId,
          code: error instanceof AppError ? error.code : 'internal',
          detail: error instanceof Error ? error.message : String(error),
        })
        if (cached?.value === value) cached.expiresAt = now() + retryAfterMs
        return lastGood
      },
    )
    cached = { value, expiresAt: at + ttlMs, readAt: at }
    return value
  }

  return {
    get(freshness) {
      const at = now()
      const fresh = freshness === undefined || at - (cached?.readAt ?? at) <= freshness.maxAgeMs
      if (cached && cached.expiresAt > at && fresh) return cached.value
      return refresh(at)
    },
  }
}
