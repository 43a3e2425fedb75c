import {
  ChangeMessageVisibilityBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import { PARKED_ATTRIBUTE } from '../aws-env.js'
import type { BatchQueue } from '../delivery/process-batch.js'
import type { Logger } from '../observability.js'
import { groupOf, type SqsBatchMessage } from './sqs-batch-message.js'

const MAX_VISIBILITY_SECONDS = 43_200 // SQS caps a message's visibility timeout at 12 hours
const MAX_REASON = 1_000

const visibilitySeconds = (delayMs: number) =>
  Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)))

/**
 * The batch's queue operations on SQS, for the deliver Lambda: a completed record needs nothing
 * (Lambda deletes every record not reported failed), a deferred one gets its visibility timeout
 * changed, a parked one is sent to the DLQ with its reason as message attributes.
 */
export const createSqsBatchQueue = (deps: {
  sqs: SQSClient
  queueUrl: string
  deadLetterQueueUrl: string
  logger: Logger
  now?: () => Date
}): BatchQueue<SqsBatchMessage> => {
  const now = deps.now ?? (() => new Date())
  return {
    async complete() {},

    async defer(messages, delayMs) {
      if (messages.length === 0) return
      try {
        const result = await deps.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: deps.queueUrl,
            Entries: messages.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.record.receiptHandle,
              VisibilityTimeout: visibilitySeconds(delayMs),
            })),
          }),
        )
        if (result.Failed?.length) {
          deps.logger.warn('visibility not changed for some messages', {
            failed: result.Failed.map((failure) => failure.Code),
          })
        }
      } catch (error) {
        // The messages still come back, after the queue's own visibility timeout instead.
        deps.logger.warn('visibility not changed', { error })
      }
    },

    async park({ record }, failure) {
      await deps.sqs.send(
        new SendMessageCommand({
          QueueUrl: deps.deadLetterQueueUrl,
          MessageBody: record.body,
          MessageGroupId: groupOf(record) ?? 'parked',
          MessageDeduplicationId: record.messageId,
          MessageAttributes: {
            [PARKED_ATTRIBUTE.reason]: {
              DataType: 'String',
              StringValue: failure.reason.slice(0, MAX_REASON),
            },
            [PARKED_ATTRIBUTE.code]: { DataType: 'String', StringValue: failure.code },
            [PARKED_ATTRIBUTE.at]: { DataType: 'String', StringValue: now().toISOString() },
            [PARKED_ATTRIBUTE.receiveCount]: {
              DataType: 'Number',
              StringValue: record.attributes.ApproximateReceiveCount || '1',
            },
          },
        }),
      )
    },
  }
}
