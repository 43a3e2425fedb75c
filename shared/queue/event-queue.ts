import { type Envelope, envelopeKey } from '../envelope.js'

/**
 * What ingest depends on. Adapters: SQS FIFO in AWS, memory locally and in tests.
 *
 * `send` is all-or-nothing from the caller's point of view: it resolves only when every envelope
 * is durably queued, and throws `QueueError` otherwise (ingest then answers 503 and the sender
 * retries; envelope ids are deterministic, so a retry cannot duplicate what did get through).
 */
export interface EventQueue {
  send(envelopes: readonly Envelope[]): Promise<void>
}

/**
 * Messages of one group are handed out in order and never concurrently (SQS FIFO semantics): one
 * group per problem (`route:key`, a timer's with its problem's alerts), and one per Halo ticket for
 * Halo's ticket events (`ticket#<id>`, whichever route they came in on).
 */
export const messageGroupId = (envelope: Envelope): string =>
  envelope.v === 2 ? envelopeKey(envelope) : `${envelope.route}:${envelopeKey(envelope)}`
