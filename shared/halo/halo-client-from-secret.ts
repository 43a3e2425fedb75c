import { DeployIncompleteError } from '../errors.js'
import { RECHECK_MISSING_SECRET_MS, type SecretStore } from '../secrets/secret-store.js'

/** What a Lambda function's Halo client is built from: the deployed URL and the secret's keys. */
export type HaloCredentials = { baseUrl: string; clientId: string; clientSecret: string }

/**
 * A function's Halo client (and whatever it keeps beside it), built from the Halo secret and kept
 * while the credentials stay the same: it holds a token for them. New credentials in the secret
 * build it again, so a rotation needs no cold start. Throws `DeployIncompleteError` (retryable:
 * deliveries wait) while the Halo URL or the credentials are missing.
 */
export const haloClientFromSecret = <Client>(
  baseUrl: string | undefined,
  secrets: SecretStore,
  build: (credentials: HaloCredentials) => Client,
): (() => Promise<Client>) => {
  let current: { credentials: string; client: Client } | undefined
  return async () => {
    if (!baseUrl) {
      throw new DeployIncompleteError('no Halo URL is deployed (set deploy.haloUrl and redeploy)')
    }
    let { halo } = await secrets.get()
    // None yet: they may have been stored since the value held was read (a first setup).
    if (!halo) ({ halo } = await secrets.get({ maxAgeMs: RECHECK_MISSING_SECRET_MS }))
    if (!halo) {
      throw new DeployIncompleteError(
        'the Halo secret has no credentials yet (halo.clientId/secret; npm run secrets)',
      )
    }
    const credentials = JSON.stringify([halo.clientId, halo.clientSecret])
    if (current?.credentials !== credentials) {
      current = { credentials, client: build({ baseUrl, ...halo }) }
    }
    return current.client
  }
}
