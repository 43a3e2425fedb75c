import { MIN_ATTEMPT_MS } from '../halo/halo-requester.js'
import type { Logger } from '../observability.js'
import type { DeliveryOutcome } from './deliver-envelope.js'
import { envelopeFieldsOf, readEnvelopes } from './delivery-history.js'
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
  /** When the queue first received it (ms since epoch), when the queue says. */
  sentAt?: number | undefined
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

/** What happened to one message of a batch, for metrics and the delivery history. */
export type RecordResult =
  | { kind: 'done'; outcome: DeliveryOutcome }
  | { kind: 'deferred'; code: string; delayMs: number; detail: string }
  /** Not attempted: an earlier message of its group failed, or time ran out; it waits. */
  | { kind: 'held'; delayMs: number }
  | { kind: 'parked'; code: string; reason: string }
  /** Parking failed (the DLQ refused it): retried by the queue like any failure. */
  | { kind: 'failed'; code: string }

export type ProcessBatchDeps<Message extends BatchMessage> = {
  queue: BatchQueue<Message>
  /** Delivers one message; throws an AppError on failure (as deliverEvent does). */
  deliver: (message: Message, logger: Logger) => Promise<DeliveryOutcome>
  logger: Logger
  /** Called once per message with what happened to it. */
  onResult?: (result: RecordResult, message: Message) => void
  /** Time left before the worker must stop, in ms (a Lambda's remaining time). */
  remainingMs?: () => number
  /**
   * A message is not started with less time than this left; it and the rest of its group are
   * handed back at once instead, so a timeout never fails the whole batch. @default 25_000
   */
  minRemainingMs?: number
  /**
   * Time kept at the end to hand back, park and record what is left: deliveries must be over
   * this long before `remainingMs` runs out, so their Halo calls are given
   * {@link deliveriesEndBy}. A retryable failure that comes when that time is (nearly) up is the
   * clock's, not the message's: the message is handed back unjudged, with no back-off.
   * @default 5_000
   */
  finishMs?: number
  /** First deferral of a failed delivery, doubling per receive. @default 2_000 */
  retryBaseMs?: number
  /**
   * Receives after which the queue itself would move a message to its dead-letter queue
   * (SQS `maxReceiveCount`): a message on its last receive that would be deferred again is
   * parked instead, with the reason, so nothing reaches the DLQ without one.
   */
  maxReceives?: number
  /** How long the queue keeps a message: one that would be deferred past it is parked. */
  retentionMs?: number
  now?: () => number
}

/** Default of {@link ProcessBatchDeps.finishMs}. */
export const DEFAULT_FINISH_MS = 5_000

/**
 * When a batch's deliveries must be over (ms since epoch): what the worker gives its Halo client
 * (`endBy`), so that no call outlasts the invocation's `remainingMs` less `finishMs`.
 */
export const deliveriesEndBy = (remainingMs: number, now: number, finishMs = DEFAULT_FINISH_MS) =>
  now + remainingMs - finishMs

/** Leave this much of the retention: a deferral is not precise to the second. */
const RETENTION_MARGIN_MS = 60 * 60_000

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
 * - With too little time left, the rest of a group is handed back at once, unattempted; so is a
 *   message whose delivery failed because the deadline came (no back-off, not a failure). Each
 *   comes back on its next receive, and one on its last receive is parked with why.
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
  const finishMs = deps.finishMs ?? DEFAULT_FINISH_MS
  /** Deliveries' Halo calls are refused (or cut off) from here on: a failure now is the clock's. */
  const timeUp = () =>
    deps.remainingMs !== undefined && deps.remainingMs() < finishMs + MIN_ATTEMPT_MS
  const unfinished = new Set<Message>()
  const report = (result: RecordResult, message: Message) => deps.onResult?.(result, message)

  const now = deps.now ?? Date.now

  /** The queue would drop (or dead-letter without a reason) this message before `delayMs`. */
  const lastChance = (message: Message, delayMs: number) =>
    (deps.maxReceives !== undefined && message.receiveCount >= deps.maxReceives) ||
    (deps.retentionMs !== undefined &&
      message.sentAt !== undefined &&
      now() + delayMs >= message.sentAt + deps.retentionMs - RETENTION_MARGIN_MS)

  /** Parks one message; false (and reported failed) when the dead-letter queue refused it. */
  const park = async (message: Message, failure: ParkFailure, logger: Logger) => {
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
    if (!parked) {
      unfinished.add(message)
      report({ kind: 'failed', code: failure.code }, message)
      return false
    }
    await queue.complete(message)
    logger.error('envelope parked', {
      code: failure.code,
      reason: failure.reason,
      receiveCount: message.receiveCount,
    })
    report({ kind: 'parked', code: failure.code, reason: failure.reason }, message)
    return true
  }

  /**
   * Defers `rest` (the failed message first, the later ones of its group behind it), except
   * those on their last chance, which are parked with the reason instead.
   */
  const deferOrPark = async (
    rest: readonly Message[],
    failure: Extract<FailureAction, { action: 'defer' }>,
    detail: string,
    logger: Logger,
  ) => {
    const [failed, ...behind] = rest
    const waiting: Message[] = []
    for (const message of rest) {
      if (!lastChance(message, failure.delayMs)) {
        waiting.push(message)
        continue
      }
      const why =
        message === failed
          ? `${failure.code}: ${detail}`
          : `held behind envelope ${failed?.correlationId}, which failed with ${failure.code}: ${detail}`
      await park(
        message,
        {
          action: 'park',
          code: 'retries_exhausted',
          reason: `retries_exhausted after ${message.receiveCount} receives; last failure ${why}`,
        },
        logger,
      )
    }
    if (waiting.length) await queue.defer(waiting, failure.delayMs)
    if (failed && waiting.includes(failed)) {
      logger.warn('envelope deferred', {
        code: failure.code,
        detail,
        delayMs: failure.delayMs,
        receiveCount: failed.receiveCount,
        heldBehind: behind.length,
      })
      unfinished.add(failed)
      report({ kind: 'deferred', code: failure.code, delayMs: failure.delayMs, detail }, failed)
    }
    for (const message of behind.filter((held) => waiting.includes(held))) {
      unfinished.add(message)
      report({ kind: 'held', delayMs: failure.delayMs }, message)
    }
  }

  const holdBack = (rest: readonly Message[], delayMs: number) => {
    for (const message of rest) unfinished.add(message)
    for (const message of rest) report({ kind: 'held', delayMs }, message)
  }

  /**
   * Out of time: `rest` goes back to the queue at once, unjudged. A message on its last receive
   * is parked with why instead, since the queue would dead-letter it without a reason.
   */
  const handBack = async (rest: readonly Message[], why: string, logger: Logger) => {
    const waiting: Message[] = []
    for (const message of rest) {
      if (!lastChance(message, 0)) {
        waiting.push(message)
        continue
      }
      await park(
        message,
        {
          action: 'park',
          code: 'retries_exhausted',
          reason: `retries_exhausted after ${message.receiveCount} receives; last handed back: ${why}`,
        },
        logger,
      )
    }
    if (waiting.length === 0) return
    await queue.defer(waiting, 0)
    logger.warn('out of time: handing the rest of the group back', { count: waiting.length, why })
    holdBack(waiting, 0)
  }

  const runGroup = async (group: readonly Message[]) => {
    for (const [index, message] of group.entries()) {
      // Every line of this message names its envelope (or, when it is not one, the message's
      // correlation id), route and key, the parked and deferred ones too, so the audit lines can
      // be queried alike (Logs Insights in AWS).
      const logger = withFields(deps.logger, {
        envelopeId: message.correlationId,
        ...envelopeFieldsOf(message.body),
      })
      const rest = group.slice(index)
      if (deps.remainingMs && deps.remainingMs() < minRemainingMs) {
        await handBack(rest, 'too little time left to start it', logger)
        return
      }
      const delivery = await deps.deliver(message, logger).then(
        (outcome) => ({ ok: true as const, outcome }),
        (error: unknown) => ({ ok: false as const, error }),
      )
      if (delivery.ok) {
        await queue.complete(message)
        report({ kind: 'done', outcome: delivery.outcome }, message)
        continue
      }
      const failure = classifyFailure(delivery.error, message.receiveCount, deps.retryBaseMs)
      if (failure.action === 'defer' && timeUp()) {
        // Its Halo calls were refused or cut off at the deadline: the message may have been
        // half done, which its next attempt resolves (an intended write is looked up first).
        await handBack(rest, `the deadline cut its delivery short (${failure.code})`, logger)
        return
      }
      if (failure.action === 'park') {
        if (await park(message, failure, logger)) continue
        holdBack(rest.slice(1), 0)
        return
      }
      const detail =
        delivery.error instanceof Error ? delivery.error.message : String(delivery.error)
      await deferOrPark(rest, failure, detail, logger)
      return
    }
  }

  // Every line of a message names its envelope: each is read before the first line is written.
  await readEnvelopes(messages.map((message) => message.body))
  const groups = new Map<string, Message[]>()
  for (const message of messages) {
    groups.set(message.group, [...(groups.get(message.group) ?? []), message])
  }
  await Promise.all([...groups.values()].map(runGroup))
  return messages.filter((message) => unfinished.has(message))
}
