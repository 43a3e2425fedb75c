import {
  type BudgetDecision,
  DEFAULT_RATE_BUDGET,
  type RateBudget,
  type RateBudgetLimits,
} from './rate-budget.js'

/**
 * A rolling-window {@link RateBudget} held in this process: right for local runs, tests and a
 * single worker. Several Lambda workers need the shared (DynamoDB) adapter instead, since each
 * would otherwise spend the whole budget on its own.
 *
 * It keeps the start time of every granted request in the window, so the answer is exact rather
 * than a token-bucket approximation of Halo's own rolling window.
 *
 * @throws RangeError when `limit` or `windowMs` is not a positive number.
 */
export const createMemoryRateBudget = (limits: Partial<RateBudgetLimits> = {}) => {
  const { limit, windowMs } = { ...DEFAULT_RATE_BUDGET, ...limits }
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be an integer ≥ 1')
  if (!(windowMs > 0)) throw new RangeError('windowMs must be > 0')

  // Oldest first; a plain array is fine at Halo-sized limits (hundreds).
  const granted: number[] = []

  const forget = (now: number) => {
    let stale = 0
    while (stale < granted.length && (granted[stale] ?? 0) <= now - windowMs) stale++
    if (stale > 0) granted.splice(0, stale)
  }

  const budget = {
    async take(now: number): Promise<BudgetDecision> {
      forget(now)
      if (granted.length < limit) {
        granted.push(now)
        return { granted: true }
      }
      const oldest = granted[0] ?? now
      return { granted: false, retryAfterMs: Math.max(1, oldest + windowMs - now) }
    },
    /** Requests granted in the window ending at `now`; for tests and benchmarks. */
    used(now: number): number {
      forget(now)
      return granted.length
    },
    limits: { limit, windowMs } as const,
  }
  return budget satisfies RateBudget
}

export type MemoryRateBudget = ReturnType<typeof createMemoryRateBudget>
