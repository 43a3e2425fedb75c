import * as z from '../../zod-mini.js'

export const GenericOptionsSchema = z.lazy(() =>
  z.strictObject({
    /** Header carrying the sender's delivery id, if it sends one (redeliveries then dedupe). */
    deliveryIdHeader: z.optional(
      z.pipe(
        z.string().check(z.regex(/^[A-Za-z0-9-]+$/)),
        z.transform((name) => name.toLowerCase()),
      ),
    ),
    /** The event type recorded on envelopes. @default "generic.alert" */
    eventType: z._default(
      z
        .string()
        .check(
          z.regex(
            /^[a-z0-9_]+(\.[a-z0-9_]+)*$/,
            'must be lower-case and dotted, e.g. "acme.alert"',
          ),
        ),
      'generic.alert',
    ),
  }),
)

export type GenericOptions = z.infer<typeof GenericOptionsSchema>
