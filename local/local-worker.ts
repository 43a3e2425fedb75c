import type { DeliveryOutcome } from '../shared/delivery/deliver-envelope.js'
import { type DeliveryHistory, deliveryRecordOf } from '../shared/delivery/delivery-history.js'
import { processBatch } from '../shared/delivery/process-batch.js'
import type { Logger } from '../shared/observability.js'
import { createLocalBatchQueue, localBatchMessage } from '../shared/queue/local-batch-queue.js'
import type { LocalEventQueue } from '../shared/queue/local-event-queue.js'

export type LocalWorkerOptions = {
  queue: LocalEventQueue
  /** Delivers one queue message; throws an AppError on failure (as deliverEvent does). */
  deliver: (message: unknown, logger: Logger) => Promise<DeliveryOutcome>
  logger: Logger
  /** Messages processed at once (each from a different group, so per-key order holds). @default 4 */
  concurrency?: number
  /** How long an idle worker waits before looking again (deferred messages reappear). @default 250 */
  pollMs?: number
  /** First deferral of a failed delivery, doubling per attempt. @default 2_000 */
  retryBaseMs?: number
  /** Where every envelope's latest outcome is kept. */
  history?: DeliveryHistory
  now?: () => Date
}

/**
 * The local stand-in for the deliver Lambda's SQS event source: receives from the local queue
 * and runs each batch through the same batch policy as in AWS (deliver, defer or park).
 */
export const startLocalWorker = ({
  queue,
  deliver,
  logger,
  concurrency = 4,
  pollMs = 250,
  retryBaseMs = 2_000,
  history,
  now = () => new Date(),
}: LocalWorkerOptions) => {
  let running = true
  const batchQueue = createLocalBatchQueue(queue)

  const loop = (async () => {
    while (running) {
      const batch = queue.receive(concurrency)
      if (batch.length === 0) {
        await queue.waitForMessages(pollMs)
        continue
      }
      await processBatch(batch.map(localBatchMessage), {
        queue: batchQueue,
        deliver: (message, messageLogger) => deliver(message.body, messageLogger),
        logger,
        retryBaseMs,
        maxReceives: queue.maxReceiveCount,
        onResult: (result, message) => {
          history?.record(deliveryRecordOf(result, message, now())).catch((error: unknown) => {
            logger.warn('delivery history not written', { error })
          })
        },
      })
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
