import { randomUUID } from 'node:crypto'
import type { Envelope } from '../envelope.js'
import { QueueError } from '../errors.js'
import { type EventQueue, messageGroupId } from './event-queue.js'

/** A message handed to a consumer; it stays invisible to others until acked or its lease ends. */
export type ReceivedMessage = {
  envelope: Envelope
  receiptHandle: string
  /** 1 on first delivery, then one more per redelivery (SQS `ApproximateReceiveCount`). */
  receiveCount: number
}

/** A message that left the queue for the dead-letter list, and why. */
export type DeadLetter = { envelope: Envelope; reason: string; receiveCount: number }

export type MemoryEventQueueOptions = {
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

type Stored = {
  envelope: Envelope
  groupId: string
  receiveCount: number
  invisibleUntil: number
  receiptHandle?: string
}

/**
 * In-process stand-in for SQS FIFO with a dead-letter queue: per-group order, one in-flight
 * message per group, visibility timeouts with redelivery, receive counts, deduplication by
 * envelope id within a window, and a dead-letter list. Used by `npm start` and by tests.
 */
export const createMemoryEventQueue = (options: MemoryEventQueueOptions = {}) => {
  const visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000
  const maxReceiveCount = options.maxReceiveCount ?? 1_000
  const deduplicationWindowMs = options.deduplicationWindowMs ?? 300_000
  const maxMessages = options.maxMessages ?? Number.POSITIVE_INFINITY
  const now = options.now ?? Date.now

  const messages: Stored[] = []
  const deadLetters: DeadLetter[] = []
  const seen = new Map<string, number>()
  const waiters = new Set<() => void>()
  let unavailable = false

  const wakeWaiters = () => {
    for (const wake of waiters) wake()
    waiters.clear()
  }

  const forgetExpiredIds = (at: number) => {
    for (const [id, expiresAt] of seen) {
      if (expiresAt > at) break // insertion order is expiry order
      seen.delete(id)
    }
  }

  const find = (receiptHandle: string) =>
    messages.findIndex((message) => message.receiptHandle === receiptHandle)

  const queue = {
    async send(envelopes: readonly Envelope[]) {
      if (unavailable) throw new QueueError('the local queue is set to refuse messages')
      const at = now()
      forgetExpiredIds(at)
      const fresh = envelopes.filter((envelope) => !seen.has(envelope.id))
      if (messages.length + fresh.length > maxMessages) {
        throw new QueueError(`the local queue is full (${maxMessages} messages)`)
      }
      for (const envelope of fresh) {
        seen.set(envelope.id, at + deduplicationWindowMs)
        messages.push({
          envelope: structuredClone(envelope), // a copy, as a real queue would hold
          groupId: messageGroupId(envelope),
          receiveCount: 0,
          invisibleUntil: 0,
        })
      }
      if (fresh.length) wakeWaiters()
    },

    /**
     * Hands out up to `max` visible messages, at most one per group, oldest first. A message
     * whose receive count reached `maxReceiveCount` moves to the dead-letter list instead.
     */
    receive(max = 10): ReceivedMessage[] {
      const at = now()
      const busyGroups = new Set<string>()
      const received: ReceivedMessage[] = []
      for (let index = 0; index < messages.length && received.length < max; index++) {
        const message = messages[index] as Stored
        if (busyGroups.has(message.groupId)) continue
        busyGroups.add(message.groupId)
        if (message.invisibleUntil > at) continue
        if (message.receiveCount >= maxReceiveCount) {
          messages.splice(index--, 1)
          busyGroups.delete(message.groupId)
          deadLetters.push({
            envelope: message.envelope,
            reason: `max_receive_count: not acknowledged after ${message.receiveCount} receives`,
            receiveCount: message.receiveCount,
          })
          continue
        }
        message.receiveCount += 1
        message.invisibleUntil = at + visibilityTimeoutMs
        message.receiptHandle = randomUUID()
        received.push({
          envelope: structuredClone(message.envelope),
          receiptHandle: message.receiptHandle,
          receiveCount: message.receiveCount,
        })
      }
      return received
    },

    /** Resolves when a message may be available, or after `timeoutMs`. */
    waitForMessages(timeoutMs: number): Promise<void> {
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

    /** Deletes a received message. False when the handle is stale (the lease had ended). */
    ack(receiptHandle: string): boolean {
      const index = find(receiptHandle)
      if (index < 0) return false
      messages.splice(index, 1)
      wakeWaiters() // the group's next message is now deliverable
      return true
    },

    /** Makes a received message visible again after `delayMs` (0: at once). */
    changeVisibility(receiptHandle: string, delayMs: number): boolean {
      const message = messages[find(receiptHandle)]
      if (!message) return false
      message.invisibleUntil = now() + delayMs
      if (delayMs === 0) wakeWaiters()
      return true
    },

    /** Moves a received message to the dead-letter list with the reason it was parked. */
    deadLetter(receiptHandle: string, reason: string): boolean {
      const index = find(receiptHandle)
      const message = messages[index]
      if (!message) return false
      messages.splice(index, 1)
      deadLetters.push({ envelope: message.envelope, reason, receiveCount: message.receiveCount })
      wakeWaiters()
      return true
    },

    /**
     * Moves a parked envelope back to the queue (a replay), as a new message with no receives.
     * False when no dead letter has that envelope id.
     */
    redrive(envelopeId: string): boolean {
      const index = deadLetters.findIndex((letter) => letter.envelope.id === envelopeId)
      const letter = deadLetters[index]
      if (!letter) return false
      deadLetters.splice(index, 1)
      messages.push({
        envelope: letter.envelope,
        groupId: messageGroupId(letter.envelope),
        receiveCount: 0,
        invisibleUntil: 0,
      })
      wakeWaiters()
      return true
    },

    /** Makes `send` fail with `QueueError`, to exercise the 503 path. */
    setUnavailable(value: boolean) {
      unavailable = value
    },

    stats() {
      const at = now()
      const inFlight = messages.filter((message) => message.invisibleUntil > at).length
      return { queued: messages.length - inFlight, inFlight, deadLettered: deadLetters.length }
    },

    deadLetters: (): readonly DeadLetter[] => deadLetters,
    maxReceiveCount,
    /** Every envelope still queued or in flight, oldest first. */
    pending: (): Envelope[] => messages.map((message) => structuredClone(message.envelope)),
  }
  return queue satisfies EventQueue
}

export type MemoryEventQueue = ReturnType<typeof createMemoryEventQueue>
