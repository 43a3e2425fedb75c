import {
  ChangeMessageVisibilityBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda'
import { PARKED_ATTRIBUTE } from '../../shared/aws-env.js'
import { classifyFailure, type FailureAction } from '../../shared/delivery/failure-policy.js'
import type { Logger } from '../../shared/observability.js'

/** What happened to one record of a batch, for metrics. */
export type RecordResult =
  | { kind: 'done'; outcome: unknown }
  | { kind: 'deferred'; code: string; delayMs: number }
  /** Not attempted: an earlier message of its FIFO group failed, so it waits behind it. */
  | { kind: 'held'; delayMs: number }
  | { kind: 'parked'; code: string }
  /** Parking failed (the DLQ refused it): retried by SQS like any failure. */
  | { kind: 'failed'; code: string }

export type SqsBatchDeps = {
  sqs: SQSClient
  queueUrl: string
  deadLetterQueueUrl: string
  logger: Logger
  /** Delivers one record's body; throws an AppError on failure (as deliverEvent does). */
  deliver: (body: string, logger: Logger) => Promise<unknown>
  /** Called once per record with what happened to it. */
  onResult?: (result: RecordResult) => void
  now?: () => Date
  /** Time left before the Lambda times out, in ms (`context.getRemainingTimeInMillis`). */
  remainingMs?: () => number
  /**
   * A record is not started with less time than this left; it and the rest of its group are
   * handed back at once instead, so a timeout never fails the whole batch. @default 25_000
   */
  minRemainingMs?: number
}

const MAX_VISIBILITY_SECONDS = 43_200 // SQS caps a message's visibility timeout at 12 hours
const MAX_REASON = 1_000

const visibilitySeconds = (delayMs: number) =>
  Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(delayMs / 1000)))

/** A record's FIFO group; records of a standard queue each form their own. */
const groupOf = (record: SQSRecord) =>
  (record.attributes as { MessageGroupId?: string }).MessageGroupId ?? `msg:${record.messageId}`

const withFields = (logger: Logger, base: Record<string, unknown>): Logger => ({
  debug: (message, fields) => logger.debug(message, { ...base, ...fields }),
  info: (message, fields) => logger.info(message, { ...base, ...fields }),
  warn: (message, fields) => logger.warn(message, { ...base, ...fields }),
  error: (message, fields) => logger.error(message, { ...base, ...fields }),
})

/**
 * Processes an SQS (FIFO) batch for the deliver Lambda and returns the partial batch response.
 *
 * - Groups run concurrently; the records of one group run one after another, in order.
 * - A retryable failure is **deferred**: the message's visibility is set to the delay the failure
 *   policy chose and it is reported failed, so SQS hands it out again after the delay (and counts
 *   the receive). The later records of its group are reported failed too, unattempted and with
 *   the same delay, so a group never overtakes itself.
 * - A permanent failure is **parked**: sent to the DLQ with the reason as message attributes,
 *   then treated as handled, so the group moves on.
 */
export const processSqsBatch = async (
  event: SQSEvent,
  deps: SqsBatchDeps,
): Promise<SQSBatchResponse> => {
  const now = deps.now ?? (() => new Date())
  const failed: string[] = []
  const report = (result: RecordResult) => deps.onResult?.(result)

  const groups = new Map<string, SQSRecord[]>()
  for (const record of event.Records) {
    const group = groups.get(groupOf(record)) ?? []
    group.push(record)
    groups.set(groupOf(record), group)
  }

  const changeVisibility = async (records: SQSRecord[], delayMs: number, logger: Logger) => {
    try {
      const result = await deps.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: deps.queueUrl,
          Entries: records.map((record, index) => ({
            Id: String(index),
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: visibilitySeconds(delayMs),
          })),
        }),
      )
      if (result.Failed?.length) {
        logger.warn('visibility not changed for some messages', {
          failed: result.Failed.map((failure) => failure.Code),
        })
      }
    } catch (error) {
      // The messages still come back, after the queue's own visibility timeout instead.
      logger.warn('visibility not changed', { error })
    }
  }

  const park = async (record: SQSRecord, failure: Extract<FailureAction, { action: 'park' }>) => {
    const attributes = record.attributes as { MessageGroupId?: string }
    const reason = failure.reason.slice(0, MAX_REASON)
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: deps.deadLetterQueueUrl,
        MessageBody: record.body,
        MessageGroupId: attributes.MessageGroupId ?? 'parked',
        MessageDeduplicationId: record.messageId,
        MessageAttributes: {
          [PARKED_ATTRIBUTE.reason]: { DataType: 'String', StringValue: reason },
          [PARKED_ATTRIBUTE.code]: { DataType: 'String', StringValue: failure.code },
          [PARKED_ATTRIBUTE.at]: { DataType: 'String', StringValue: now().toISOString() },
          [PARKED_ATTRIBUTE.receiveCount]: {
            DataType: 'Number',
            StringValue: record.attributes.ApproximateReceiveCount || '1',
          },
        },
      }),
    )
  }

  const minRemainingMs = deps.minRemainingMs ?? 25_000

  const runGroup = async (records: SQSRecord[]) => {
    for (const [index, record] of records.entries()) {
      const logger = withFields(deps.logger, {
        correlation_id: record.attributes.MessageDeduplicationId ?? record.messageId,
        message_id: record.messageId,
      })
      if (deps.remainingMs && deps.remainingMs() < minRemainingMs) {
        const rest = records.slice(index)
        await changeVisibility(rest, 0, logger)
        logger.warn('out of time: handing the rest of the group back', { count: rest.length })
        for (const _ of rest) report({ kind: 'held', delayMs: 0 })
        failed.push(...rest.map((held) => held.messageId))
        return
      }
      const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1
      try {
        const outcome = await deps.deliver(record.body, logger)
        report({ kind: 'done', outcome })
      } catch (error) {
        const failure = classifyFailure(error, receiveCount)
        if (failure.action === 'park') {
          try {
            await park(record, failure)
            logger.error('envelope parked', {
              code: failure.code,
              reason: failure.reason,
              receiveCount,
            })
            report({ kind: 'parked', code: failure.code })
            continue
          } catch (parkError) {
            logger.error('envelope could not be parked; it will be retried', {
              code: failure.code,
              error: parkError,
            })
            report({ kind: 'failed', code: failure.code })
            failed.push(...records.slice(index).map((held) => held.messageId))
            for (const _ of records.slice(index + 1)) report({ kind: 'held', delayMs: 0 })
            return
          }
        }
        const rest = records.slice(index)
        await changeVisibility(rest, failure.delayMs, logger)
        logger.warn('envelope deferred', {
          code: failure.code,
          detail: error instanceof Error ? error.message : String(error),
          delayMs: failure.delayMs,
          receiveCount,
          heldBehind: rest.length - 1,
        })
        report({ kind: 'deferred', code: failure.code, delayMs: failure.delayMs })
        for (const _ of rest.slice(1)) report({ kind: 'held', delayMs: failure.delayMs })
        failed.push(...rest.map((held) => held.messageId))
        return
      }
    }
  }

  await Promise.all([...groups.values()].map(runGroup))
  // Report in the batch's order, which is what Lambda expects to read.
  const order = new Map(event.Records.map((record, index) => [record.messageId, index]))
  failed.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0))
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) }
}
