import * as z from '../../zod-mini.js'

const headerName = z.pipe(
  z.string().check(z.regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')),
  z.transform((name) => name.toLowerCase()),
)

/**
 * Options of a Grafana route. `hmac` mirrors the contact point's "HMAC signature" settings; when
 * it is set the source verifies the signature itself (and the route needs no `auth`).
 */
export const GrafanaOptionsSchema = z.lazy(() =>
  z.strictObject({
    hmac: z.optional(
      z.strictObject({
        /**
         * Header carrying the hex signature, as configured in Grafana.
         * @default "x-grafana-alert-signature" (Grafana's own default)
         */
        header: z._default(headerName, 'x-grafana-alert-signature'),
        /** Header carrying the Unix time; when set, Grafana signs `"<time>:<body>"`. */
        timestampHeader: z.optional(headerName),
        /** Largest accepted distance between that time and ours, in seconds. @default 300 */
        toleranceSeconds: z._default(z.number().check(z.int(), z.gte(1), z.lte(3600)), 300),
      }),
    ),
    /** Queue Grafana's "Test" notifications as alerts instead of ignoring them. @default false */
    acceptTestNotifications: z._default(z.boolean(), false),
  }),
)

export type GrafanaOptions = z.infer<typeof GrafanaOptionsSchema>
export type GrafanaHmacOptions = NonNullable<GrafanaOptions['hmac']>
