import { classifyFailure } from '../shared/delivery/failure-policy.js'
import type { Envelope } from '../shared/envelope.js'
import type { Logger } from '../shared/observability.js'
import type { MemoryEventQueue, ReceivedMessage } from '../shared/queue/memory-event-queue.js'

export type LocalWorkerOptions = {
  queue: MemoryEventQueue
  /** Delivers one envelope; throws an AppError on failure (as deliverEvent does). */
  deliver: (envelope: Envelope) => Promise<unknown>
  logger: Logger
  /** Messages processed at once (each from a different group, so per-key order holds). @default 4 */
  concurrency?: number
  /** How long an idle worker waits before looking again (deferred messages reappear). @default 250 */
  pollMs?: number
  /** First deferral of a failed delivery, doubling per attempt. @default 2_000 */
  retryBaseMs?: number
}

/**
 * The local stand-in for the deliver Lambda's SQS event source: receives from the memory queue,
 * delivers, and acks, defers or parks each message with the same failure policy as in AWS.
 */
export const startLocalWorker = ({
  queue,
  deliver,
  logger,
  concurrency = 4,
  pollMs = 250,
  retryBaseMs = 2_000,
}: LocalWorkerOptions) => {
  let running = true

  const handle = async (message: ReceivedMessage) => {
    const { envelope, receiptHandle, receiveCount } = message
    try {
      await deliver(envelope)
      queue.ack(receiptHandle)
    } catch (error) {
      const failure = classifyFailure(error, receiveCount, retryBaseMs)
      const audit = {
        envelopeId: envelope.id,
        route: envelope.route,
        code: failure.code,
        receiveCount,
      }
      if (failure.action === 'defer') {
        queue.changeVisibility(receiptHandle, failure.delayMs)
        logger.warn('envelope deferred', { ...audit, delayMs: failure.delayMs })
      } else {
        queue.deadLetter(receiptHandle, failure.reason)
        logger.error('envelope parked', { ...audit, reason: failure.reason })
      }
    }
  }

  const loop = (async () => {
    while (running) {
      const batch = queue.receive(concurrency)
      if (batch.length === 0) {
        await queue.waitForMessages(pollMs)
        continue
      }
      await Promise.all(batch.map(handle))
    }
  })()

  return {
    /** Stops taking messages and waits for the ones in hand. */
    async stop() {
      running = false
      await loop
    },
  }
}
