import * as z from '../zod-mini.js'

/** A signing secret during a rotation: both verify until `previous` is removed. */
export const RotatingSecretSchema = z.lazy(() =>
  z.strictObject({
    current: z.string().check(z.minLength(1)),
    previous: z.optional(z.string().check(z.minLength(1))),
  }),
)

/**
 * A deployment's secrets: Halo client credentials, the credentials each route's
 * `resolveAtSource` target uses (checked against the target's kind when used, so a mistake there
 * parks only that call), and one signing secret per route name. Locally one file or env var holds
 * them all; in AWS each part has its own Secrets Manager secret (see {@link SecretPart}), in this
 * same shape, so that each function can read only its own.
 */
export const SecretsSchema = z.lazy(() =>
  z.strictObject({
    halo: z.optional(
      z.strictObject({
        clientId: z.string().check(z.minLength(1)),
        clientSecret: z.string().check(z.minLength(1)),
      }),
    ),
    resolveAtSource: z.optional(z.record(z.string(), z.record(z.string(), z.string()))),
    routes: z._default(z.record(z.string(), RotatingSecretSchema), {}),
  }),
)
