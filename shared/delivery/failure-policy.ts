import { AppError } from '../errors.js'

/** What a worker does with a message whose delivery failed. */
export type FailureAction =
  /** Transient: make the message visible again after `delayMs` (SQS ChangeMessageVisibility). */
  | { action: 'defer'; delayMs: number; code: string }
  /** Permanent: move it to the dead-letter queue now, with the reason, instead of retrying. */
  | { action: 'park'; reason: string; code: string }

/** The longest back-off: with 1000 receives this outlasts SQS's 14-day retention. */
const MAX_BACKOFF_MS = 30 * 60_000
/** The longest wait someone names (the budget's line, Retry-After): SQS caps visibility at 12 h. */
const MAX_DEFER_MS = 12 * 3_600_000

/**
 * The deliver edge's one table from failure to action. Retryable failures are deferred with
 * exponential backoff, or by the wait the failure names (the budget's line, Halo's Retry-After)
 * plus a little jitter, so messages told the same time do not all come back in the same second;
 * never burned toward the DLQ. Anything not retryable, or not ours to judge, is parked at once
 * with its reason.
 */
export const classifyFailure = (
  error: unknown,
  receiveCount: number,
  /** First deferral; doubles per receive. @default 2_000 */
  baseDelayMs = 2_000,
  random: () => number = Math.random,
): FailureAction => {
  if (error instanceof AppError && error.retryable) {
    const asked = error.retryAfterMs
    const backoff = Math.min(MAX_BACKOFF_MS, baseDelayMs * 2 ** Math.max(0, receiveCount - 1))
    if (asked === undefined || !(asked > 0))
      return { action: 'defer', delayMs: backoff, code: error.code }
    const jitter = Math.round(random() * Math.min(1_000, asked * 0.1))
    return { action: 'defer', delayMs: Math.min(asked + jitter, MAX_DEFER_MS), code: error.code }
  }
  if (error instanceof AppError) {
    return { action: 'park', reason: `${error.code}: ${error.detail}`, code: error.code }
  }
  const message = error instanceof Error ? error.message : String(error)
  return { action: 'park', reason: `internal: ${message}`, code: 'internal' }
}
