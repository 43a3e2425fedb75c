import { envelopeKey } from '../envelope.js'
import { envelopeIfKnown, readEnvelope } from '../envelope-reading.js'
import type { BatchMessage, RecordResult } from './process-batch.js'

/** What the history says became of an envelope. */
export type DeliveryRecordOutcome =
  | 'delivered'
  | 'deduplicated'
  | 'suppressed'
  | 'recorded'
  | 'deferred'
  | 'held'
  | 'parked'
  | 'failed'

// Every outcome once: the type checker keeps this list complete.
const OUTCOMES: Record<DeliveryRecordOutcome, true> = {
  delivered: true,
  deduplicated: true,
  suppressed: true,
  recorded: true,
  deferred: true,
  held: true,
  parked: true,
  failed: true,
}

/** Every outcome the history knows, for adapters and views that validate one. */
export const DELIVERY_RECORD_OUTCOMES = Object.keys(OUTCOMES) as [
  DeliveryRecordOutcome,
  ...DeliveryRecordOutcome[],
]

/**
 * Outcomes that say the envelope's Halo write, if it had one, was made: the receipts of
 * write-receipts.ts. `deduplicated` too: a redelivery is found applied only in a state after its
 * write, and its outcome replaces the `delivered` one.
 */
export const WRITE_RECEIPT_OUTCOMES: ReadonlySet<DeliveryRecordOutcome> = new Set([
  'delivered',
  'deduplicated',
])

/** The latest outcome of one envelope, for the deliveries view. Never a payload value. */
export type DeliveryRecord = {
  envelopeId: string
  route?: string | undefined
  key?: string | undefined
  outcome: DeliveryRecordOutcome
  /** When this outcome happened (ISO 8601). */
  at: string
  /** The lifecycle decision (create, note, close...), when delivered or recorded. */
  action?: string | undefined
  ticketId?: number | undefined
  /** The rule that decided, or why it was deferred or parked. */
  reason?: string | undefined
  code?: string | undefined
  /** When a deferred envelope is tried again (ISO 8601). */
  nextAttemptAt?: string | undefined
  receiveCount: number
}

export type DeliveryFilter = { route?: string; outcome?: DeliveryRecordOutcome; limit?: number }

/**
 * Every envelope's latest outcome, kept for a retention period. Adapters: memory (tests), SQLite
 * (the local gateway), DynamoDB (AWS).
 */
export interface DeliveryHistory {
  record(entry: DeliveryRecord): Promise<void>
  /** Newest first. */
  list(filter?: DeliveryFilter): Promise<DeliveryRecord[]>
  /** One envelope's latest outcome, if it is still kept. */
  get(envelopeId: string): Promise<DeliveryRecord | undefined>
}

/** A queue message's body as JSON: parsed when it is text; undefined when that is not JSON. */
const jsonOf = (body: unknown): unknown => {
  if (typeof body !== 'string') return body
  try {
    return JSON.parse(body)
  } catch {
    return undefined
  }
}

/** The envelope of a queue message, when it is one (and known: see {@link readEnvelopes}). */
const envelopeOf = (body: unknown) => {
  const json = jsonOf(body)
  return json === undefined ? undefined : envelopeIfKnown(json)
}

/**
 * Reads the envelopes of a batch's messages, so that {@link envelopeFieldsOf} knows each one,
 * even one only the envelope schema can read. Never rejects: a message that cannot be read is
 * not an envelope, which its delivery then says.
 */
export const readEnvelopes = async (bodies: readonly unknown[]): Promise<void> => {
  await Promise.all(bodies.map((body) => readEnvelope(jsonOf(body)).catch(() => undefined)))
}

/**
 * The envelope id, route and key of a queue message, as audit log lines and the history name an
 * envelope; nothing when the message is not an envelope.
 */
export const envelopeFieldsOf = (
  body: unknown,
): { envelopeId?: string; route?: string; key?: string } => {
  const envelope = envelopeOf(body)
  return envelope
    ? { envelopeId: envelope.id, route: envelope.route, key: envelopeKey(envelope) }
    : {}
}

/** One batch result as the history keeps it. */
export const deliveryRecordOf = (
  result: RecordResult,
  message: BatchMessage,
  now: Date,
): DeliveryRecord => {
  const { envelopeId, route, key } = envelopeFieldsOf(message.body)
  const base = {
    envelopeId: envelopeId ?? message.correlationId,
    route,
    key,
    at: now.toISOString(),
    receiveCount: message.receiveCount,
  }
  switch (result.kind) {
    case 'done':
      return {
        ...base,
        outcome: result.outcome.outcome,
        action: result.outcome.action,
        ticketId: result.outcome.ticketId,
        reason: result.outcome.reason,
      }
    case 'deferred':
      return {
        ...base,
        outcome: 'deferred',
        code: result.code,
        reason: result.detail,
        nextAttemptAt: new Date(now.getTime() + result.delayMs).toISOString(),
      }
    case 'held':
      return {
        ...base,
        outcome: 'held',
        reason: 'waiting behind an earlier message of the same alert',
        nextAttemptAt: new Date(now.getTime() + result.delayMs).toISOString(),
      }
    case 'parked':
      return { ...base, outcome: 'parked', code: result.code, reason: result.reason }
    case 'failed':
      return { ...base, outcome: 'failed', code: result.code }
  }
}
