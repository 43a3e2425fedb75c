import { createHash } from 'node:crypto'
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs'
import type { Envelope } from '../envelope.js'
import { PayloadError, QueueError } from '../errors.js'
import { MAX_ENVELOPE_BYTES, QUEUE_MAX_MESSAGE_BYTES } from '../payload-limits.js'
import { type EventQueue, messageGroupId } from './event-queue.js'

export type SqsEventQueueOptions = {
  /** Attempts per entry, counting the first; only entries that failed are sent again. @default 3 */
  maxAttempts?: number
  /** Pause before the first retry, doubled after each, in ms. @default 50 */
  retryDelayMs?: number
  /** Largest total body size of one `SendMessageBatch` call (SQS allows 1 MiB). @default 1048576 */
  maxBatchBytes?: number
  sleep?: (ms: number) => Promise<void>
}

const MAX_ENTRIES = 10 // SendMessageBatch takes at most 10 entries
// MessageGroupId and MessageDeduplicationId: 1-128 characters, alphanumeric and punctuation.
const SQS_ID = /^[\x21-\x7e]{1,128}$/

/**
 * The FIFO message group of an envelope: `route:key` when SQS accepts it as it is, otherwise
 * (too long, or spaces and non-ASCII in the key) a stable hash of it, so the same alert always
 * lands in the same group.
 */
export const fifoGroupId = (envelope: Pick<Envelope, 'route' | 'alert'>): string => {
  const group = messageGroupId(envelope)
  if (SQS_ID.test(group)) return group
  return `h:${createHash('sha256').update(group).digest('base64url')}`
}

const chunksOf = (entries: SendMessageBatchRequestEntry[], maxBytes: number) => {
  const chunks: SendMessageBatchRequestEntry[][] = []
  let chunk: SendMessageBatchRequestEntry[] = []
  let bytes = 0
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.MessageBody ?? '')
    if (chunk.length === MAX_ENTRIES || (chunk.length > 0 && bytes + size > maxBytes)) {
      chunks.push(chunk)
      chunk = []
      bytes = 0
    }
    chunk.push(entry)
    bytes += size
  }
  if (chunk.length) chunks.push(chunk)
  return chunks
}

/**
 * {@link EventQueue} on an SQS FIFO queue. Envelopes go out in `SendMessageBatch` calls of at most
 * ten; entries SQS reports as failed (and whole calls that threw) are retried a few times, and if
 * any entry still fails `send` throws `QueueError`, so ingest answers 503 and the sender retries.
 * The deduplication id is the envelope id, so what did get through is not queued twice. An
 * envelope larger than an SQS message can carry (with a park reason) is refused up front with `PayloadError` (413).
 */
export const createSqsEventQueue = (
  sqs: SQSClient,
  queueUrl: string,
  options: SqsEventQueueOptions = {},
): EventQueue => {
  const maxAttempts = options.maxAttempts ?? 3
  const retryDelayMs = options.retryDelayMs ?? 50
  const maxBatchBytes = options.maxBatchBytes ?? QUEUE_MAX_MESSAGE_BYTES
  const sleep = options.sleep ?? ((ms) => new Promise<void>((done) => setTimeout(done, ms)))

  const sendChunk = async (chunk: SendMessageBatchRequestEntry[]) => {
    let pending = chunk
    let lastProblem = ''
    let lastError: unknown
    for (let attempt = 1; attempt <= maxAttempts && pending.length; attempt++) {
      if (attempt > 1) await sleep(retryDelayMs * 2 ** (attempt - 2))
      try {
        const result = await sqs.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
        )
        const failed = new Set((result.Failed ?? []).map((failure) => failure.Id))
        for (const failure of result.Failed ?? []) {
          lastProblem = `${failure.Code ?? 'unknown'}${failure.SenderFault ? ' (sender fault)' : ''}`
        }
        pending = pending.filter((entry) => failed.has(entry.Id))
      } catch (error) {
        lastError = error
        lastProblem = error instanceof Error ? error.name : 'unknown'
      }
    }
    if (pending.length) {
      throw new QueueError(
        `${pending.length} of ${chunk.length} envelopes were not queued after ${maxAttempts} attempts (last: ${lastProblem})`,
        { cause: lastError },
      )
    }
  }

  return {
    async send(envelopes) {
      const entries = envelopes.map(
        (envelope, index): SendMessageBatchRequestEntry => ({
          Id: String(index),
          MessageBody: JSON.stringify(envelope),
          MessageGroupId: fifoGroupId(envelope),
          MessageDeduplicationId: envelope.id,
        }),
      )
      for (const entry of entries) {
        const bytes = Buffer.byteLength(entry.MessageBody ?? '')
        if (bytes > MAX_ENVELOPE_BYTES) {
          // Retrying cannot help: refuse it (413) rather than answer 503 forever. The limit
          // leaves room for the reason deliver attaches should it park the message.
          throw new PayloadError(
            'payload_too_large',
            `an envelope of ${bytes} bytes exceeds the queue's ${MAX_ENVELOPE_BYTES}-byte envelope limit`,
          )
        }
      }
      // Every chunk is attempted even when one fails, so a retry by the sender has less to redo.
      const results = await Promise.allSettled(
        chunksOf(entries, maxBatchBytes).map((chunk) => sendChunk(chunk)),
      )
      const failure = results.find((result) => result.status === 'rejected')
      if (failure) throw failure.reason
    },
  }
}
