import { SEVERITIES } from './alert.js'
import { once } from './once.js'
import * as z from './zod-mini.js'

/** What every source normalizes to: one ongoing problem, or its resolution. */
export const alertObject = once(() =>
  z.object({
    /** Stable correlation key: the same problem always yields the same key. */
    key: z.string().check(z.minLength(1), z.maxLength(512)),
    status: z.enum(['firing', 'resolved']),
    severity: z.enum(SEVERITIES),
    title: z.string().check(z.minLength(1), z.maxLength(500)),
    description: z._default(z.string().check(z.maxLength(100_000)), ''),
    /** ISO 8601 instant when the sender says the event happened. */
    occurredAt: z.iso.datetime({ offset: true }),
    url: z.optional(z.string().check(z.maxLength(2048))),
    /** The host, device or service the alert is about. */
    resource: z.optional(z.string().check(z.maxLength(255))),
    /** Hints for routing the alert to a Halo client: the sender's customer id and/or name. */
    tenant: z.optional(z.object({ id: z.optional(z.string()), name: z.optional(z.string()) })),
    labels: z._default(z.record(z.string(), z.string()), {}),
    /**
     * The incident group the alert belongs to, rendered at ingest from its route's `group` policy:
     * every alert of a group is one problem (one record, one ticket, one queue message group).
     */
    group: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  }),
)

/** {@link alertObject} as a schema: built when an alert is first checked, not at module load. */
export const AlertSchema = z.lazy(alertObject)
