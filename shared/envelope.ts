import { hash } from 'node:crypto'
import { AlertSchema } from './alert.js'
import { problemKeyOf } from './lifecycle/incident-key.js'
import { once } from './once.js'
import { TicketEventSchema } from './ticket-event.js'
import * as z from './zod-mini.js'

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
/** A queue message, of any version. */
export type Envelope = z.infer<typeof EnvelopeSchema>

/** Parsed message bodies already validated, and the envelope each was read as. */
const validated = new WeakMap<object, Envelope>()

/**
 * `EnvelopeSchema.safeParse`, once per parsed body: deliver reads each message three times (the
 * batch's log fields, the delivery, the history), and a body validated before is answered with
 * the envelope it was read as. Text is validated on every call.
 */
export const parseEnvelope = (json: unknown): z.core.util.SafeParseResult<Envelope> => {
  const key = typeof json === 'object' && json !== null ? json : undefined
  const known = key && validated.get(key)
  if (known) return { success: true, data: known }
  const result = EnvelopeSchema.safeParse(json)
  if (key && result.success) validated.set(key, result.data)
  return result
}
/** An envelope that carries an alert. */
export type AlertEnvelope = z.infer<typeof EnvelopeV1Schema>
/** An envelope that carries a Halo ticket event. */
export type TicketEventEnvelope = z.infer<typeof EnvelopeV2Schema>
/** A timer: a problem's due time has come. */
export type DueEnvelope = z.infer<typeof EnvelopeV3Schema>

/**
 * What an envelope is about, as logs, the delivery history and the queue's message groups name
 * it: an alert's correlation key (its incident's when it was grouped, so an incident's members
 * are handled one at a time; a timer's is its problem's), or `ticket#<id>` for a Halo ticket
 * event (route names hold no `#`, so the two cannot be mistaken for each other).
 */
export const envelopeKey = (envelope: Envelope): string =>
  envelope.v === 1
    ? problemKeyOf(envelope.alert)
    : envelope.v === 3
      ? envelope.due.key
      : `ticket#${envelope.ticketEvent.ticketId}`

/**
 * The envelope id: the delivery (the sender's id, else a hash of the exact body) plus the alert's
 * identity, so a delivery that carries several alerts yields one stable id per alert.
 */
export const envelopeId = (delivery: string, alert: { key: string; status: string }): string =>
  // One-shot `hash` rather than a Hash object: about half the CPU for inputs this small.
  hash('sha256', `${delivery}\u0000${alert.key}\u0000${alert.status}`, 'base64url')

/** A delivery identity for senders that send no id: the hash of the exact bytes received. */
export const contentHash = (body: Uint8Array): string => `sha256:${hash('sha256', body)}`
