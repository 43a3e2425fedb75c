import { readFile } from 'node:fs/promises'
import { ConfigError } from '../errors.js'
import { parseSecrets } from './parse-secrets.js'
import type { SecretStore, Secrets } from './secret-store.js'

export type LocalSecretSources = {
  /** Path of a JSON file in the production secret's shape (`HALO_HOOKS_SECRETS_FILE`). */
  file?: string
  /** The same JSON inline (`HALO_HOOKS_SECRETS`). */
  json?: string
  /** Halo credentials that override the file's (`HALO_CLIENT_ID`, `HALO_CLIENT_SECRET`). */
  haloClientId?: string
  haloClientSecret?: string
}

/**
 * Secrets for a machine without Secrets Manager: a JSON file or an env var holding the same JSON
 * as the production secret. The file is re-read on every call, so editing it rotates a secret
 * without a restart, as a Secrets Manager rotation does in AWS.
 */
export const createLocalSecretStore = (sources: LocalSecretSources): SecretStore => ({
  async get(): Promise<Secrets> {
    let secrets: Secrets = { routes: {} }
    if (sources.file) {
      const text = await readFile(sources.file, 'utf8').catch((error: unknown) => {
        throw new ConfigError(`cannot read secrets file ${sources.file}`, [], { cause: error })
      })
      secrets = parseSecrets(text, `secrets file ${sources.file}`)
    } else if (sources.json) {
      secrets = parseSecrets(sources.json, 'HALO_HOOKS_SECRETS')
    }
    if (sources.haloClientId && sources.haloClientSecret) {
      secrets = {
        ...secrets,
        halo: { clientId: sources.haloClientId, clientSecret: sources.haloClientSecret },
      }
    }
    return secrets
  },
})
