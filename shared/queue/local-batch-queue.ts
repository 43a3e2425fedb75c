import type { BatchMessage, BatchQueue } from '../delivery/process-batch.js'
import { messageGroupId } from './event-queue.js'
import type { LocalEventQueue, ReceivedMessage } from './local-event-queue.js'

/** A message received from the local queue, as a batch message. */
export type LocalBatchMessage = BatchMessage & { receiptHandle: string }

export const localBatchMessage = (message: ReceivedMessage): LocalBatchMessage => ({
  id: message.receiptHandle,
  group: messageGroupId(message.envelope),
  body: message.envelope,
  receiveCount: message.receiveCount,
  correlationId: message.envelope.id,
  receiptHandle: message.receiptHandle,
})

/** The batch's queue operations on the local queue: ack, change visibility, dead-letter. */
export const createLocalBatchQueue = (queue: LocalEventQueue): BatchQueue<LocalBatchMessage> => ({
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
