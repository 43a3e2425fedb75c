import { AlertSchema } from './alert-schema.js'
import { once } from './once.js'
import { TicketEventSchema } from './ticket-event-schema.js'
import * as z from './zod-mini.js'

// The queue message's schemas: built on the first message read (`z.lazy`), and only deliver,
// the sweeps and the local tools read messages; ingest, which only writes them, never loads this
// module (issue 15). Deliver reads them through the reader compiled from EnvelopeSchema
// (envelope-reading.ts) and loads this module only for a message that reader is not sure of.

/** What every version of the queue message shares. */
const envelopeBase = once(() =>
  z.object({
    /** Deterministic: a redelivery of the same event yields the same id (SQS dedup, audit). */
    id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,128}$/)),
    route: z.string().check(z.minLength(1)),
    source: z.string().check(z.minLength(1)),
    /** `<source>.<event>[.<action>]`, lower-case and dotted. */
    type: z.string().check(z.minLength(1)),
    /** The sender's delivery id, when it sends one. */
    deliveryId: z.optional(z.string()),
    receivedAt: z.iso.datetime(),
  }),
)

/** Version 1 of the queue message: one alert. A new shape gets a new `v` and both stay readable. */
const envelopeV1 = once(() =>
  z.extend(envelopeBase(), {
    v: z.literal(1),
    alert: AlertSchema,
    /** The sender's own validated object (or the part of it this alert came from), for templates. */
    raw: z.unknown(),
  }),
)
export const EnvelopeV1Schema = z.lazy(envelopeV1)

/**
 * Version 2: one event about one Halo ticket (Halo's outbound webhook, the `halo` source). It is
 * not an alert: deliver applies it to the stored state of the problem that owns the ticket.
 */
const envelopeV2 = once(() =>
  z.extend(envelopeBase(), {
    v: z.literal(2),
    ticketEvent: TicketEventSchema,
  }),
)
export const EnvelopeV2Schema = z.lazy(envelopeV2)

/**
 * Version 3: a timer. A problem's stored state named a time when it needs a decision without any
 * event (`dueAtOf`): the due sweep queues this when that time has come, and deliver decides
 * (`decideDue`) on the problem's record as it then stands.
 */
const envelopeV3 = once(() =>
  z.extend(envelopeBase(), {
    v: z.literal(3),
    due: z.object({
      /** The problem's correlation key (its record is `route` + `key`). */
      key: z.string().check(z.minLength(1)),
      /** The due time the sweep listed: a record whose due time moved since is not due by this. */
      at: z.iso.datetime(),
    }),
  }),
)
export const EnvelopeV3Schema = z.lazy(envelopeV3)

// Built on the first message read (`z.lazy`): ingest, which only writes envelopes, never builds
// them (issue 15).
export const EnvelopeSchema = z.lazy(() =>
  z.discriminatedUnion('v', [envelopeV1(), envelopeV2(), envelopeV3()]),
)
