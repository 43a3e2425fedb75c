import { hash } from 'node:crypto'
import type {
  EnvelopeSchema,
  EnvelopeV1Schema,
  EnvelopeV2Schema,
  EnvelopeV3Schema,
} from './envelope-schema.js'
import { problemKeyOf } from './lifecycle/incident-key.js'
import type * as z from './zod-mini.js'

/** A queue message, of any version. */
export type Envelope = z.infer<typeof EnvelopeSchema>

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
