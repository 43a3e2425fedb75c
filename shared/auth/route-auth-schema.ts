import * as z from 'zod'

// Apart from route-auth.ts: the config is checked against this schema at load (and at synth for
// the Lambda bundles, which carry the checked result), so verifying a request never builds it.

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
  .transform((name) => name.toLowerCase())

/**
 * How a route authenticates senders that have no signature scheme of their own. The secret
 * itself never appears here: it comes from the secret store under the route's name.
 */
export const RouteAuthSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('hmac'),
      /** Header carrying the signature, e.g. `x-signature`. */
      header: headerName,
      algorithm: z.enum(['sha256', 'sha512', 'sha1']).default('sha256'),
      encoding: z.enum(['hex', 'base64']).default('hex'),
      /** Text before the digest in the header, e.g. `sha256=`. */
      prefix: z.string().default(''),
    })
    .strict(),
  z.object({ type: z.literal('bearer') }).strict(),
  z.object({ type: z.literal('header'), header: headerName }).strict(),
  z.object({ type: z.literal('query'), param: z.string().regex(/^[A-Za-z0-9_.-]+$/) }).strict(),
  z.object({ type: z.literal('basic'), username: z.string().min(1) }).strict(),
  z
    .object({
      type: z.literal('none'),
      /** Must be spelled out: anyone who knows the URL can then open tickets. */
      acknowledge: z.literal('anyone-who-knows-the-url-can-post', {
        error: 'an unauthenticated route must set acknowledge: "anyone-who-knows-the-url-can-post"',
      }),
    })
    .strict(),
])

export type RouteAuth = z.infer<typeof RouteAuthSchema>
export type RouteAuthInput = z.input<typeof RouteAuthSchema>
