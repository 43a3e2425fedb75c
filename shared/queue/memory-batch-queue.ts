import type { BatchMessage, BatchQueue } from '../delivery/process-batch.js'
import { messageGroupId } from './event-queue.js'
import type { MemoryEventQueue, ReceivedMessage } from './memory-event-queue.js'

/** A message received from the memory queue, as a batch message. */
export type MemoryBatchMessage = BatchMessage & { receiptHandle: string }

export const memoryBatchMessage = (message: ReceivedMessage): MemoryBatchMessage => ({
  id: message.receiptHandle,
  group: messageGroupId(message.envelope),
  body: message.envelope,
  receiveCount: message.receiveCount,
  correlationId: message.envelope.id,
  receiptHandle: message.receiptHandle,
})

/** The batch's queue operations on the memory queue: ack, change visibility, dead-letter. */
export const createMemoryBatchQueue = (
  queue: MemoryEventQueue,
): BatchQueue<MemoryBatchMessage> => ({
  async complete({ receiptHandle }) {
    queue.ack(receiptHandle)
  },
  async defer(messages, delayMs) {
    for (const { receiptHandle } of messages) queue.changeVisibility(receiptHandle, delayMs)
  },
  async park({ receiptHandle }, failure) {
    queue.deadLetter(receiptHandle, failure.reason)
  },
})
