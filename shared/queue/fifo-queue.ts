import { randomUUID } from 'node:crypto'
import type { Envelope } from '../envelope.js'
import { QueueError } from '../errors.js'
import { messageGroupId } from './event-queue.js'
import {
  type DeadLetter,
  type LocalEventQueue,
  type LocalEventQueueOptions,
  localQueueSettings,
  type ReceivedMessage,
} from './local-event-queue.js'

/** A message at the head of its group, as the queue's choice reads it. */
export type GroupHead<Ref> = { ref: Ref; receiveCount: number }

/** A received message's lease, as stored. */
export type Lease = { receiveCount: number; invisibleUntil: number; receiptHandle: string }

/**
 * Where a {@link createFifoQueue} keeps its messages: plain reads and writes, no rules. Adapters
 * implement it over an array (memory) or tables (SQLite); every decision is made here, once.
 */
export interface FifoStorage<Ref> {
  /** Runs `step` as one unit: all of its writes or none. */
  transaction<T>(step: () => T): T
  /** Forgets the envelope ids whose deduplication window ended at or before `at`. */
  forgetSeen(at: number): void
  hasSeen(envelopeId: string): boolean
  /** Remembers an envelope id until `until`. */
  remember(envelopeId: string, until: number): void
  /** Messages held (queued and in flight, not dead letters). */
  messageCount(): number
  /** Adds a message after every other, with no receives and visible at once. */
  append(envelope: Envelope, groupId: string): void
  /**
   * The oldest message that is the oldest of its group and visible at `at` (its group's next
   * message waits behind it while it is in flight or deferred), leaving out `skip`.
   */
  nextVisibleHead(at: number, skip: readonly Ref[]): GroupHead<Ref> | undefined
  /**
   * Stores a message's new lease; answers its envelope, which shares nothing the storage could
   * see changed (a copy, or the memory adapter's frozen one).
   */
  lease(ref: Ref, lease: Lease): Envelope
  /** The message currently leased with `receiptHandle`, if any. */
  leasedWith(receiptHandle: string): Ref | undefined
  remove(ref: Ref): void
  /**
   * Makes a message visible again at `at`: deferred by its consumer, no longer in its hands (the
   * receipt handle stays valid until the next receive).
   */
  defer(ref: Ref, at: number): void
  /** Moves a message to the end of the dead-letter list, with its receive count. */
  deadLetter(ref: Ref, reason: string): void
  /** Removes the oldest dead letter of that envelope id and answers its envelope. */
  takeDeadLetter(envelopeId: string): Envelope | undefined
  deadLetters(): DeadLetter[]
  deadLetterCount(): number
  /** Every message's envelope (copies, or frozen ones), oldest first. */
  envelopes(): Envelope[]
  /** Messages invisible at `at` (received or deferred). */
  invisibleCount(at: number): number
}

/** Why the queue itself dead-lettered a message that kept coming back. */
const maxReceiveReason = (receiveCount: number) =>
  `max_receive_count: not acknowledged after ${receiveCount} receives`

/**
 * A {@link LocalEventQueue} over a storage: SQS FIFO's rules (per-group order, one message in
 * flight per group, visibility timeouts with redelivery and receive counts, deduplication by
 * envelope id within a window, a dead-letter list) applied to whatever keeps the messages.
 */
export const createFifoQueue = <Ref>(
  storage: FifoStorage<Ref>,
  options: LocalEventQueueOptions = {},
): LocalEventQueue => {
  const settings = localQueueSettings(options)
  const { now } = settings
  const waiters = new Set<() => void>()
  let unavailable = false

  const wakeWaiters = () => {
    if (waiters.size === 0) return
    for (const wake of waiters) wake()
    waiters.clear()
  }

  return {
    async send(envelopes) {
      if (unavailable) throw new QueueError('the local queue is set to refuse messages')
      const at = now()
      const queued = storage.transaction(() => {
        storage.forgetSeen(at)
        const ids = new Set<string>()
        const fresh = envelopes.filter((envelope) => {
          if (ids.has(envelope.id) || storage.hasSeen(envelope.id)) return false
          ids.add(envelope.id)
          return true
        })
        const { maxMessages } = settings
        if (Number.isFinite(maxMessages) && storage.messageCount() + fresh.length > maxMessages) {
          throw new QueueError(`the local queue is full (${maxMessages} messages)`)
        }
        for (const envelope of fresh) {
          storage.remember(envelope.id, at + settings.deduplicationWindowMs)
          storage.append(envelope, messageGroupId(envelope))
        }
        return fresh.length
      })
      if (queued) wakeWaiters()
    },

    receive(max = 10) {
      const at = now()
      return storage.transaction(() => {
        // One message at a time, each the oldest visible head, so that a head dead-lettered on
        // the way lets its group's next message take its turn in the same call.
        const received: ReceivedMessage[] = []
        const leased: Ref[] = []
        while (received.length < max) {
          const head = storage.nextVisibleHead(at, leased)
          if (!head) break
          if (head.receiveCount >= settings.maxReceiveCount) {
            storage.deadLetter(head.ref, maxReceiveReason(head.receiveCount))
            continue
          }
          const lease = {
            receiveCount: head.receiveCount + 1,
            invisibleUntil: at + settings.visibilityTimeoutMs,
            receiptHandle: randomUUID(),
          }
          const envelope = storage.lease(head.ref, lease)
          leased.push(head.ref)
          received.push({
            envelope,
            receiptHandle: lease.receiptHandle,
            receiveCount: lease.receiveCount,
          })
        }
        return received
      })
    },

    waitForMessages(timeoutMs) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiters.delete(done)
          resolve()
        }, timeoutMs)
        const done = () => {
          clearTimeout(timer)
          resolve()
        }
        waiters.add(done)
      })
    },

    ack(receiptHandle) {
      const ref = storage.leasedWith(receiptHandle)
      if (ref === undefined) return false
      storage.remove(ref)
      wakeWaiters() // the group's next message is now deliverable
      return true
    },

    changeVisibility(receiptHandle, delayMs) {
      const ref = storage.leasedWith(receiptHandle)
      if (ref === undefined) return false
      storage.defer(ref, now() + delayMs)
      if (delayMs === 0) wakeWaiters()
      return true
    },

    deadLetter(receiptHandle, reason) {
      const ref = storage.leasedWith(receiptHandle)
      if (ref === undefined) return false
      storage.deadLetter(ref, reason)
      wakeWaiters()
      return true
    },

    redrive(envelopeId) {
      const moved = storage.transaction(() => {
        const envelope = storage.takeDeadLetter(envelopeId)
        if (envelope) storage.append(envelope, messageGroupId(envelope))
        return envelope !== undefined
      })
      if (moved) wakeWaiters()
      return moved
    },

    setUnavailable(value) {
      unavailable = value
    },

    stats() {
      const inFlight = storage.invisibleCount(now())
      return {
        queued: storage.messageCount() - inFlight,
        inFlight,
        deadLettered: storage.deadLetterCount(),
      }
    },

    deadLetters: () => storage.deadLetters(),
    pending: () => storage.envelopes(),
    maxReceiveCount: settings.maxReceiveCount,
  }
}
