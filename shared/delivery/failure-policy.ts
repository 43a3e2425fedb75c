import { AppError } from '../errors.js'

/** What a worker does with a message whose delivery failed. */
export type FailureAction =
  /** Transient: make the message visible again after `delayMs` (SQS ChangeMessageVisibility). */
  | { action: 'defer'; delayMs: number; code: string }
  /** Permanent: move it to the dead-letter queue now, with the reason, instead of retrying. */
  | { action: 'park'; reason: string; code: string }

const MAX_DEFER_MS = 15 * 60_000 // longer needs a different mechanism than a message lease (SQS caps visibility at 12 h)

/**
 * The deliver edge's one table from failure to action. Retryable failures are deferred with
 * exponential backoff (or the wait the failure asks for), never burned toward the DLQ; anything
 * not retryable, or not ours to judge, is parked at once with its reason.
 */
export const classifyFailure = (
  error: unknown,
  receiveCount: number,
  /** First deferral; doubles per receive. @default 2_000 */
  baseDelayMs = 2_000,
): FailureAction => {
  if (error instanceof AppError && error.retryable) {
    const asked = error.retryAfterMs
    const backoff = Math.min(MAX_DEFER_MS, baseDelayMs * 2 ** Math.max(0, receiveCount - 1))
    const delayMs = asked !== undefined && asked > 0 ? Math.min(asked, MAX_DEFER_MS) : backoff
    return { action: 'defer', delayMs, code: error.code }
  }
  if (error instanceof AppError) {
    return { action: 'park', reason: `${error.code}: ${error.detail}`, code: error.code }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { action: 'park', reason: `internal: ${message}`, code: 'internal' }
}
