import type { SQSRecord } from 'aws-lambda'
import type { BatchMessage } from '../delivery/process-batch.js'

/** An SQS record of a Lambda event as a batch message. */
export type SqsBatchMessage = BatchMessage & { record: SQSRecord }

/** A record's FIFO group; the records of a standard queue each form their own. */
export const groupOf = (record: SQSRecord): string | undefined => record.attributes.MessageGroupId

/**
 * Reads a Lambda SQS record as a batch message. Apart from the SQS adapter
 * (`sqs-batch-queue.ts`), so reading a batch does not load the SQS client.
 */
export const sqsBatchMessage = (record: SQSRecord): SqsBatchMessage => ({
  id: record.messageId,
  group: groupOf(record) ?? `msg:${record.messageId}`,
  body: record.body,
  receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
  correlationId: record.attributes.MessageDeduplicationId ?? record.messageId,
  sentAt: Number(record.attributes.SentTimestamp) || undefined,
  record,
})
