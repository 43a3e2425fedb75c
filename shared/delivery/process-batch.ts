import type { Logger } from '../observability.js'
import type { DeliveryOutcome } from './deliver-envelope.js'
import { classifyFailure, type FailureAction } from './failure-policy.js'

/** One received message of a batch, whichever queue it came from. */
export type BatchMessage = {
  /** Unique within the batch (SQS `messageId`, a memory receipt handle). */
  id: string
  /** FIFO group: the messages of one group run one after another, in order. */
  group: string
  body: unknown
  /** 1 on first delivery, one more per redelivery. */
  receiveCount: number
  /** What log lines of this message are keyed by (the envelope id when known). */
  correlationId: string
}

export type ParkFailure = Extract<FailureAction, { action: 'park' }>

/** What a batch does to its queue: one adapter per queue technology. */
export interface BatchQueue<Message extends BatchMessage> {
  /** The message is handled (delivered or parked): remove it from the queue. */
  complete(message: Message): Promise<void>
  /** Makes messages visible again after `delayMs`; never throws (the lease ends anyway). */
  defer(messages: readonly Message[], delayMs: number): Promise<void>
  /** Moves a message to the dead-letter queue with its reason; rejects when it could not. */
  park(message: Message, failure: ParkFailure): Promise<void>
}

/** What happened to one message of a batch, for metrics. */
export type RecordResult =
  | { kind: 'done'; outcome: DeliveryOutcome }
  | { kind: 'deferred'; code: string; delayMs: number }
  /** Not attempted: an earlier message of its group failed, or time ran out; it waits. */
  | { kind: 'held'; delayMs: number }
  | { kind: 'parked'; code: string }
  /** Parking failed (the DLQ refused it): retried by the queue like any failure. */
  | { kind: 'failed'; code: string }

export type ProcessBatchDeps<Message extends BatchMessage> = {
  queue: BatchQueue<Message>
  /** Delivers one message; throws an AppError on failure (as deliverEvent does). */
  deliver: (message: Message, logger: Logger) => Promise<DeliveryOutcome>
  logger: Logger
  /** Called once per message with what happened to it. */
  onResult?: (result: RecordResult) => void
  /** Time left before the worker must stop, in ms (a Lambda's remaining time). */
  remainingMs?: () => number
  /**
   * A message is not started with less time than this left; it and the rest of its group are
   * handed back at once instead, so a timeout never fails the whole batch. @default 25_000
   */
  minRemainingMs?: number
  /** First deferral of a failed delivery, doubling per receive. @default 2_000 */
  retryBaseMs?: number
}

const withFields = (logger: Logger, base: Record<string, unknown>): Logger => ({
  debug: (message, fields) => logger.debug(message, { ...base, ...fields }),
  info: (message, fields) => logger.info(message, { ...base, ...fields }),
  warn: (message, fields) => logger.warn(message, { ...base, ...fields }),
  error: (message, fields) => logger.error(message, { ...base, ...fields }),
})

/**
 * The deliver worker's batch policy, the same for SQS in AWS and the memory queue locally:
 *
 * - Groups run concurrently; the messages of one group run one after another, in order.
 * - A retryable failure is **deferred**: visible again after the delay the failure policy chose.
 *   The later messages of its group are deferred with it, unattempted, so a group never
 *   overtakes itself.
 * - A permanent failure is **parked**: moved to the dead-letter queue with its reason, and the
 *   group moves on.
 * - With too little time left, the rest of a group is handed back at once.
 *
 * Resolves with the messages not completed, in batch order (SQS reports them as batch item
 * failures; the queue hands them out again).
 */
export const processBatch = async <Message extends BatchMessage>(
  messages: readonly Message[],
  deps: ProcessBatchDeps<Message>,
): Promise<Message[]> => {
  const { queue } = deps
  const minRemainingMs = deps.minRemainingMs ?? 25_000
  const unfinished = new Set<Message>()
  const report = (result: RecordResult) => deps.onResult?.(result)

  const holdBack = (rest: readonly Message[], delayMs: number) => {
    for (const message of rest) unfinished.add(message)
    for (const _ of rest) report({ kind: 'held', delayMs })
  }

  const runGroup = async (group: readonly Message[]) => {
    for (const [index, message] of group.entries()) {
      const logger = withFields(deps.logger, {
        correlation_id: message.correlationId,
        message_id: message.id,
      })
      const rest = group.slice(index)
      if (deps.remainingMs && deps.remainingMs() < minRemainingMs) {
        await queue.defer(rest, 0)
        logger.warn('out of time: handing the rest of the group back', { count: rest.length })
        holdBack(rest, 0)
        return
      }
      const { receiveCount } = message
      const delivery = await deps.deliver(message, logger).then(
        (outcome) => ({ ok: true as const, outcome }),
        (error: unknown) => ({ ok: false as const, error }),
      )
      if (delivery.ok) {
        await queue.complete(message)
        report({ kind: 'done', outcome: delivery.outcome })
        continue
      }
      const failure = classifyFailure(delivery.error, receiveCount, deps.retryBaseMs)
      if (failure.action === 'park') {
        const parked = await queue.park(message, failure).then(
          () => true,
          (parkError: unknown) => {
            logger.error('envelope could not be parked; it will be retried', {
              code: failure.code,
              error: parkError,
            })
            return false
          },
        )
        if (parked) {
          await queue.complete(message)
          logger.error('envelope parked', {
            code: failure.code,
            reason: failure.reason,
            receiveCount,
          })
          report({ kind: 'parked', code: failure.code })
          continue
        }
        unfinished.add(message)
        report({ kind: 'failed', code: failure.code })
        holdBack(rest.slice(1), 0)
        return
      }
      await queue.defer(rest, failure.delayMs)
      logger.warn('envelope deferred', {
        code: failure.code,
        detail: delivery.error instanceof Error ? delivery.error.message : String(delivery.error),
        delayMs: failure.delayMs,
        receiveCount,
        heldBehind: rest.length - 1,
      })
      unfinished.add(message)
      report({ kind: 'deferred', code: failure.code, delayMs: failure.delayMs })
      holdBack(rest.slice(1), failure.delayMs)
      return
    }
  }

  const groups = new Map<string, Message[]>()
  for (const message of messages) {
    groups.set(message.group, [...(groups.get(message.group) ?? []), message])
  }
  await Promise.all([...groups.values()].map(runGroup))
  return messages.filter((message) => unfinished.has(message))
}
