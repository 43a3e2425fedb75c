import * as z from 'zod'

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
  .transform((name) => name.toLowerCase())

/**
 * Options of a Grafana route. `hmac` mirrors the contact point's "HMAC signature" settings; when
 * it is set the source verifies the signature itself (and the route needs no `auth`).
 */
export const GrafanaOptionsSchema = z
  .object({
    hmac: z
      .object({
        /**
         * Header carrying the hex signature, as configured in Grafana.
         * @default "x-grafana-alert-signature" (Grafana's own default)
         */
        header: headerName.default('x-grafana-alert-signature'),
        /** Header carrying the Unix time; when set, Grafana signs `"<time>:<body>"`. */
        timestampHeader: headerName.optional(),
        /** Largest accepted distance between that time and ours, in seconds. @default 300 */
        toleranceSeconds: z.number().int().min(1).max(3600).default(300),
      })
      .strict()
      .optional(),
    /** Queue Grafana's "Test" notifications as alerts instead of ignoring them. @default false */
    acceptTestNotifications: z.boolean().default(false),
  })
  .strict()

export type GrafanaOptions = z.infer<typeof GrafanaOptionsSchema>
export type GrafanaHmacOptions = NonNullable<GrafanaOptions['hmac']>
