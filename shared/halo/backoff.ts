/** Exponential back-off bounds. */
export type BackoffOptions = {
  /** First wait, before jitter. @default 1_000 */
  baseMs: number
  /** Longest wait. @default 60_000 */
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 60_000 }

/**
 * The wait before retry number `attempt` (0 = first retry): doubling from `baseMs`, capped at
 * `maxMs`, with "equal jitter" (half fixed, half random) so that callers rejected together do
 * not come back together, yet no wait collapses to zero against a rate limit.
 */
export const backoffDelay = (
  attempt: number,
  { baseMs, maxMs }: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number => {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

/**
 * Reads a `Retry-After` header (RFC 9110: delay in seconds, or an HTTP date) as milliseconds
 * from `now`. Returns undefined when absent or unreadable, so the caller falls back to back-off.
 */
export const parseRetryAfter = (header: string | null, now: number): number | undefined => {
  if (header === null) return undefined
  const text = header.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000)
  const at = Date.parse(text)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}
