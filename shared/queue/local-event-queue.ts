import type { Envelope } from '../envelope.js'
import type { EventQueue } from './event-queue.js'

/** A message handed to a consumer; it stays invisible to others until acked or its lease ends. */
export type ReceivedMessage = {
  envelope: Envelope
  receiptHandle: string
  /** 1 on first delivery, then one more per redelivery (SQS `ApproximateReceiveCount`). */
  receiveCount: number
}

/** A message that left the queue for the dead-letter list, and why. */
export type DeadLetter = { envelope: Envelope; reason: string; receiveCount: number }

export type QueueStats = { queued: number; inFlight: number; deadLettered: number }

/**
 * The queue of the local gateway, ingest's {@link EventQueue} plus the consumer side that SQS and
 * Lambda's event source provide in AWS: SQS FIFO's semantics with a dead-letter queue, in one
 * process. Messages of one group are handed out oldest first and one at a time; a received
 * message is invisible until acked, deferred or its visibility timeout ends, and then comes back
 * with its receive count raised; a repeated envelope id within the deduplication window is
 * accepted but not queued again. Adapters: memory (tests, `HALO_HOOKS_DATA_DIR=memory`) and
 * SQLite (`npm start`, durable across restarts). The consumer side is synchronous, as both are.
 */
export interface LocalEventQueue extends EventQueue {
  /**
   * Hands out up to `max` visible messages, at most one per group, oldest first. A message
   * whose receive count reached `maxReceiveCount` moves to the dead-letter list instead.
   */
  receive(max?: number): ReceivedMessage[]
  /** Resolves when a message may be available, or after `timeoutMs`. */
  waitForMessages(timeoutMs: number): Promise<void>
  /** Deletes a received message. False when the handle is stale (the lease had ended). */
  ack(receiptHandle: string): boolean
  /** Makes a received message visible again after `delayMs` (0: at once). */
  changeVisibility(receiptHandle: string, delayMs: number): boolean
  /** Moves a received message to the dead-letter list with the reason it was parked. */
  deadLetter(receiptHandle: string, reason: string): boolean
  /**
   * Moves a parked envelope back to the queue (a replay), as a new message with no receives.
   * False when no dead letter has that envelope id.
   */
  redrive(envelopeId: string): boolean
  /** Makes `send` fail with `QueueError`, to exercise the 503 path. */
  setUnavailable(value: boolean): void
  /** Queued (visible) and in-flight (received or deferred) messages, and dead letters. */
  stats(): QueueStats
  /** Every dead letter, oldest first. */
  deadLetters(): readonly DeadLetter[]
  /** Every envelope still queued or in flight, oldest first. */
  pending(): Envelope[]
  /** Receives after which the queue itself dead-letters a message. */
  readonly maxReceiveCount: number
}

export type LocalEventQueueOptions = {
  /** How long a received message stays invisible before it is redelivered. @default 30_000 */
  visibilityTimeoutMs?: number
  /**
   * Receives after which the queue itself moves a message to the dead-letter list (the worker
   * parks it with its reason on its last receive before that). @default 1000, as deployed
   */
  maxReceiveCount?: number
  /** Window in which a repeated envelope id is accepted but not queued again. @default 300_000 */
  deduplicationWindowMs?: number
  /** Messages held at most; beyond it `send` fails as SQS would when unavailable. */
  maxMessages?: number
  now?: () => number
}

/** The options with their defaults filled in. */
export const localQueueSettings = (options: LocalEventQueueOptions = {}) => ({
  visibilityTimeoutMs: options.visibilityTimeoutMs ?? 30_000,
  maxReceiveCount: options.maxReceiveCount ?? 1_000,
  deduplicationWindowMs: options.deduplicationWindowMs ?? 300_000,
  maxMessages: options.maxMessages ?? Number.POSITIVE_INFINITY,
  now: options.now ?? Date.now,
})
