import * as z from 'zod'

/** A signing secret during a rotation: both verify until `previous` is removed. */
export const RotatingSecretSchema = z
  .object({ current: z.string().min(1), previous: z.string().min(1).optional() })
  .strict()

/**
 * A route's entry: its signing secret, and the credentials its `resolveAtSource` target uses
 * (checked against the target's kind when used, so a mistake there parks only that call).
 */
export const RouteSecretSchema = RotatingSecretSchema.extend({
  resolveAtSource: z.record(z.string(), z.string()).optional(),
}).strict()

/**
 * The one secret of a deployment (Secrets Manager in AWS, a file or env var locally): Halo
 * client credentials and one signing secret per route name.
 */
export const SecretsSchema = z
  .object({
    halo: z
      .object({ clientId: z.string().min(1), clientSecret: z.string().min(1) })
      .strict()
      .optional(),
    routes: z.record(z.string(), RouteSecretSchema).default({}),
  })
  .strict()

export type RotatingSecret = z.infer<typeof RotatingSecretSchema>
export type Secrets = z.infer<typeof SecretsSchema>

/** Where secret values come from. Adapters cache as they see fit; callers ask on every use. */
export interface SecretStore {
  /** Throws `ConfigError` when the secret is missing or not of the documented shape. */
  get(): Promise<Secrets>
}

/** The secrets that verify a route's requests, newest first. Empty when none is configured. */
export const signingSecretsOf = (secrets: Secrets, route: string): string[] => {
  const secret = secrets.routes[route]
  if (!secret) return []
  return secret.previous ? [secret.current, secret.previous] : [secret.current]
}
