import * as z from 'zod'
import { AWS_ENV } from './aws-env.js'

/**
 * How long a function trusts a secret it read, in seconds (it reads again sooner when the value
 * falls short: see `SecretStore.get`). The stack sets it; this default is for a missing value.
 */
export const SECRET_CACHE_SETTING = {
  [AWS_ENV.secretCacheSeconds]: z.coerce.number().int().min(0).default(900),
}

/**
 * The environment every function that calls Halo reads (deliver, the reconcile sweep): the Halo
 * secret, the state table, Halo's URL and tenant, and the shared rate budget's size.
 */
export const HALO_FUNCTION_SETTINGS = {
  [AWS_ENV.haloSecretId]: z.string().min(1),
  ...SECRET_CACHE_SETTING,
  [AWS_ENV.tableName]: z.string().min(1),
  [AWS_ENV.haloBaseUrl]: z.url().optional(),
  [AWS_ENV.haloTenant]: z.string().min(1).optional(),
  [AWS_ENV.haloBudgetLimit]: z.coerce.number().int().min(1).default(250),
  [AWS_ENV.haloBudgetWindowSeconds]: z.coerce.number().int().min(1).default(300),
}
