import { SQSClient } from '@aws-sdk/client-sqs'
import type { BatchQueue } from '../../shared/delivery/process-batch.js'
import type { Logger } from '../../shared/observability.js'
import type { SqsBatchMessage } from '../../shared/queue/sqs-batch-message.js'
import { createSqsBatchQueue } from '../../shared/queue/sqs-batch-queue.js'

/**
 * The batch's queue operations on SQS (defer, park). The deliver handler imports this module
 * when a record is first deferred or parked, so a delivery that goes through never loads the SQS
 * client (Lambda deletes the records it does not report failed).
 */
export const createQueue = (options: {
  queueUrl: string
  deadLetterQueueUrl: string
  logger: Logger
}): BatchQueue<SqsBatchMessage> => createSqsBatchQueue({ sqs: new SQSClient({}), ...options })
