import { AWS_ENV } from './aws-env.js'
import * as z from './zod-mini.js'

/**
 * How long a function trusts a secret it read, in seconds (it reads again sooner when the value
 * falls short: see `SecretStore.get`). The stack sets it; this default is for a missing value.
 */
export const SECRET_CACHE_SETTING = {
  [AWS_ENV.secretCacheSeconds]: z._default(z.coerce.number().check(z.int(), z.gte(0)), 900),
}

/**
 * The environment every function that calls Halo reads (deliver, the reconcile sweep): the Halo
 * secret, the state table, Halo's URL and tenant, and the shared rate budget's size.
 */
export const HALO_FUNCTION_SETTINGS = {
  [AWS_ENV.haloSecretId]: z.string().check(z.minLength(1)),
  ...SECRET_CACHE_SETTING,
  [AWS_ENV.tableName]: z.string().check(z.minLength(1)),
  [AWS_ENV.haloBaseUrl]: z.optional(z.url()),
  [AWS_ENV.haloTenant]: z.optional(z.string().check(z.minLength(1))),
  [AWS_ENV.haloBudgetLimit]: z._default(z.coerce.number().check(z.int(), z.gte(1)), 250),
  [AWS_ENV.haloBudgetWindowSeconds]: z._default(z.coerce.number().check(z.int(), z.gte(1)), 300),
}
