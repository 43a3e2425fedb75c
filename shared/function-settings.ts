import { AWS_ENV } from './aws-env.js'
import type { EnvRules } from './config/function-env.js'

/**
 * How long a function trusts a secret it read, in seconds (it reads again sooner when the value
 * falls short: see `SecretStore.get`). The stack sets it; this default is for a missing value.
 */
export const SECRET_CACHE_SETTING = {
  [AWS_ENV.secretCacheSeconds]: { type: 'int', min: 0, default: 900 },
} as const satisfies EnvRules

/**
 * The environment every function that calls Halo reads (deliver, the reconcile sweep): the Halo
 * secret, the state table, Halo's URL and tenant, and the shared rate budget's size.
 */
export const HALO_FUNCTION_SETTINGS = {
  [AWS_ENV.haloSecretId]: { type: 'text' },
  ...SECRET_CACHE_SETTING,
  [AWS_ENV.tableName]: { type: 'text' },
  [AWS_ENV.haloBaseUrl]: { type: 'url', optional: true },
  [AWS_ENV.haloTenant]: { type: 'text', optional: true },
  [AWS_ENV.haloBudgetLimit]: { type: 'int', min: 1, default: 250 },
  [AWS_ENV.haloBudgetWindowSeconds]: { type: 'int', min: 1, default: 300 },
} as const satisfies EnvRules
