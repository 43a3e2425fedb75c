import { createHash } from 'node:crypto'
import * as z from 'zod'
import { AlertSchema } from './alert.js'

/** Version 1 of the queue message. A new shape gets a new `v` and both stay readable. */
export const EnvelopeV1Schema = z.object({
  v: z.literal(1),
  /** Deterministic: a redelivery of the same event yields the same id (SQS dedup, audit). */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  route: z.string().min(1),
  source: z.string().min(1),
  /** `<source>.<event>[.<action>]`, lower-case and dotted. */
  type: z.string().min(1),
  /** The sender's delivery id, when it sends one. */
  deliveryId: z.string().optional(),
  receivedAt: z.iso.datetime(),
  alert: AlertSchema,
  /** The sender's own validated object (or the part of it this alert came from), for templates. */
  raw: z.unknown(),
})

export const EnvelopeSchema = z.discriminatedUnion('v', [EnvelopeV1Schema])
export type Envelope = z.infer<typeof EnvelopeSchema>

/**
 * The envelope id: the delivery (the sender's id, else a hash of the exact body) plus the alert's
 * identity, so a delivery that carries several alerts yields one stable id per alert.
 */
export const envelopeId = (delivery: string, alert: { key: string; status: string }): string =>
  createHash('sha256')
    .update(`${delivery}\u0000${alert.key}\u0000${alert.status}`)
    .digest('base64url')
    .slice(0, 43)

/** A delivery identity for senders that send no id: the hash of the exact bytes received. */
export const contentHash = (body: Uint8Array): string =>
  `sha256:${createHash('sha256').update(body).digest('hex')}`
