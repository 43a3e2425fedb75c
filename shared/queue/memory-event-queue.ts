import type { Envelope } from '../envelope.js'
import { frozenCopy, heldCopy } from '../plain-copy.js'
import { createFifoQueue, type FifoStorage } from './fifo-queue.js'
import type { DeadLetter, LocalEventQueueOptions } from './local-event-queue.js'

type Stored = {
  envelope: Envelope
  groupId: string
  receiveCount: number
  invisibleUntil: number
  receiptHandle?: string
}

/** The queue's messages, dead letters and recently seen ids in arrays and a Map. */
const memoryStorage = (): FifoStorage<Stored> => {
  const messages: Stored[] = []
  const deadLetters: DeadLetter[] = []
  const seen = new Map<string, number>()
  /** When the window of the oldest id remembered ends: until then there is nothing to forget. */
  let firstExpiry = Number.POSITIVE_INFINITY
  const remove = (message: Stored) => {
    messages.splice(messages.indexOf(message), 1)
  }

  return {
    transaction: (step) => step(),
    forgetSeen(at) {
      if (firstExpiry > at) return
      for (const [id, expiresAt] of seen) {
        if (expiresAt > at) {
          // Insertion order is expiry order: the rest are younger still.
          firstExpiry = expiresAt
          return
        }
        seen.delete(id)
      }
      firstExpiry = Number.POSITIVE_INFINITY
    },
    hasSeen: (envelopeId) => seen.has(envelopeId),
    remember(envelopeId, until) {
      if (seen.size === 0) firstExpiry = until
      seen.set(envelopeId, until)
    },
    messageCount: () => messages.length,
    append(envelope, groupId) {
      // A frozen copy, as a real queue would hold, or the envelope its creator handed over, which
      // is frozen when first read: either way every reader can be handed it as it is.
      messages.push({
        envelope: heldCopy(envelope),
        groupId,
        receiveCount: 0,
        invisibleUntil: 0,
      })
    },
    nextVisibleHead(at, skip) {
      const busyGroups = new Set<string>()
      for (const message of messages) {
        if (busyGroups.has(message.groupId)) continue
        busyGroups.add(message.groupId)
        if (message.invisibleUntil > at || skip.includes(message)) continue
        return { ref: message, receiveCount: message.receiveCount }
      }
      return undefined
    },
    lease(message, lease) {
      Object.assign(message, lease)
      return frozenCopy(message.envelope)
    },
    leasedWith: (receiptHandle) =>
      messages.find((message) => message.receiptHandle === receiptHandle),
    remove,
    defer(message, at) {
      message.invisibleUntil = at
    },
    deadLetter(message, reason) {
      remove(message)
      deadLetters.push({
        envelope: frozenCopy(message.envelope),
        reason,
        receiveCount: message.receiveCount,
      })
    },
    takeDeadLetter(envelopeId) {
      const index = deadLetters.findIndex((letter) => letter.envelope.id === envelopeId)
      return index < 0 ? undefined : deadLetters.splice(index, 1)[0]?.envelope
    },
    deadLetters: () => [...deadLetters],
    deadLetterCount: () => deadLetters.length,
    envelopes: () => messages.map((message) => frozenCopy(message.envelope)),
    invisibleCount: (at) => messages.filter((message) => message.invisibleUntil > at).length,
  }
}

/**
 * In-process stand-in for SQS FIFO with a dead-letter queue (the rules are in `fifo-queue.ts`),
 * holding everything in memory: used by tests and by `npm start` with
 * `HALO_HOOKS_DATA_DIR=memory`. A stop loses what it holds.
 */
export const createMemoryEventQueue = (options: LocalEventQueueOptions = {}) =>
  createFifoQueue(memoryStorage(), options)
