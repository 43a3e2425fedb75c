import { fileURLToPath } from 'node:url'
import * as z from 'zod'
import { parseSettings } from '../shared/config/parse-settings.js'
import { ConfigError } from '../shared/errors.js'
import { createLocalSecretStore } from '../shared/secrets/local-secret-store.js'
import type { SecretStore } from '../shared/secrets/secret-store.js'
import type { HaloTarget } from './doctor-findings.js'
import { DEFAULT_DATA_DIR } from './local-state.js'

/** The development secrets `npm start` uses when none are configured (never for production). */
export const DEV_SECRETS_FILE = fileURLToPath(new URL('./dev-secrets.json', import.meta.url))

const LocalEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(8787),
  HOST: z.string().default('127.0.0.1'),
  HALO_HOOKS_CONFIG: z.string().optional(),
  HALO_HOOKS_SECRETS_FILE: z.string().optional(),
  HALO_HOOKS_SECRETS: z.string().optional(),
  /** Where `npm start` keeps its state (a SQLite file), or `memory` to keep nothing. */
  HALO_HOOKS_DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  HALO_URL: z.url().optional(),
  HALO_TENANT: z.string().optional(),
  HALO_CLIENT_ID: z.string().optional(),
  HALO_CLIENT_SECRET: z.string().optional(),
  /** Override the config file's `budget` (Halo requests per window, for every worker). */
  HALO_BUDGET_LIMIT: z.string().optional(),
  HALO_BUDGET_WINDOW_SECONDS: z.string().optional(),
  /** Rate-limit the built-in sandbox as Halo would: `300` (per 5 min) or `60/30` (per 30 s). */
  HALO_SANDBOX_RATE_LIMIT: z
    .string()
    .regex(/^\d+(\/\d+)?$/, 'must be <requests> (per 5 minutes) or <requests>/<seconds>')
    .optional(),
  /**
   * The built-in sandbox's outbound webhooks to the config's `halo` route (Basic auth): the
   * payload it sends, or `off`. @default key-fields
   */
  HALO_SANDBOX_WEBHOOKS: z.enum(['key-fields', 'full', 'event-only', 'off']).default('key-fields'),
  /**
   * With the built-in sandbox, a technician's close is told to the sandbox's source receiver
   * for every route without `resolveAtSource` of its own, or `off`. @default on
   */
  HALO_SANDBOX_SOURCE: z.enum(['on', 'off']).default('on'),
  /**
   * How often the gateway's due sweep looks for deadlines that have come (routes whose policies
   * keep them: heartbeats, quiet periods, business hours), in ms. @default 15000 (the gateway's)
   */
  HALO_HOOKS_DUE_EVERY_MS: z.coerce.number().int().min(10).max(3_600_000).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
})

export type LocalEnv = z.infer<typeof LocalEnvSchema>

/** Reads the local commands' environment once; errors name the variable, never its value. */
export const readLocalEnv = (env: NodeJS.ProcessEnv): LocalEnv =>
  parseSettings(LocalEnvSchema, env, 'environment')

/** Secrets from HALO_HOOKS_SECRETS_FILE or HALO_HOOKS_SECRETS, else the development file. */
export const localSecretStore = (env: LocalEnv) => {
  const configured = Boolean(env.HALO_HOOKS_SECRETS_FILE || env.HALO_HOOKS_SECRETS)
  const store = createLocalSecretStore({
    file: configured ? env.HALO_HOOKS_SECRETS_FILE : DEV_SECRETS_FILE,
    json: env.HALO_HOOKS_SECRETS,
    haloClientId: env.HALO_CLIENT_ID,
    haloClientSecret: env.HALO_CLIENT_SECRET,
  })
  const origin = env.HALO_HOOKS_SECRETS_FILE
    ? `file ${env.HALO_HOOKS_SECRETS_FILE}`
    : env.HALO_HOOKS_SECRETS
      ? 'HALO_HOOKS_SECRETS'
      : `${DEV_SECRETS_FILE} (development secrets: set HALO_HOOKS_SECRETS_FILE for your own)`
  return { store, origin }
}

/**
 * The real Halo `npm start` delivers to and `npm run doctor` checks: `HALO_URL` and
 * `HALO_TENANT`, with `HALO_CLIENT_ID`/`HALO_CLIENT_SECRET`, else the secret's `halo` credentials.
 * Undefined without `HALO_URL` (the built-in sandbox). Throws `ConfigError` when `HALO_URL` is set
 * without credentials, or the secret cannot be read.
 */
export const localHaloTarget = async (
  env: LocalEnv,
  secrets: { store: SecretStore; origin: string },
): Promise<HaloTarget | undefined> => {
  if (!env.HALO_URL) return undefined
  const { HALO_CLIENT_ID: clientId, HALO_CLIENT_SECRET: clientSecret } = env
  const fromEnv = Boolean(clientId && clientSecret)
  // As the gateway: credentials in the environment win, and then the secret is not read.
  const stored =
    clientId && clientSecret ? { clientId, clientSecret } : (await secrets.store.get()).halo
  if (!stored) {
    throw new ConfigError(
      `HALO_URL is set but there are no Halo credentials: set HALO_CLIENT_ID and HALO_CLIENT_SECRET, or halo.clientId and halo.clientSecret in ${secrets.origin}`,
    )
  }
  return {
    url: env.HALO_URL,
    tenant: env.HALO_TENANT || undefined,
    clientId: stored.clientId,
    clientSecret: stored.clientSecret,
    from: {
      url: 'HALO_URL',
      tenant: 'HALO_TENANT',
      clientId: fromEnv ? 'HALO_CLIENT_ID' : `halo.clientId in ${secrets.origin}`,
      clientSecret: fromEnv ? 'HALO_CLIENT_SECRET' : `halo.clientSecret in ${secrets.origin}`,
    },
  }
}
