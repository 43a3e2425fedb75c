/** The answer of a budget: go now, or wait at least `retryAfterMs` before asking again. */
export type BudgetDecision = { granted: true } | { granted: false; retryAfterMs: number }

/**
 * Halo's request budget (hosted Halo allows about 300 requests per rolling 5 minutes), shared by
 * every caller that draws on it. Adapters: memory (one process) and DynamoDB (all Lambda workers).
 */
export interface RateBudget {
  /** Takes one request slot at `now` (ms since epoch), or says how long until one frees up. */
  take(now: number): Promise<BudgetDecision>
}

export type RateBudgetLimits = {
  /** Requests allowed per window. @default 250 */
  limit: number
  /** Rolling window length in ms. @default 300_000 */
  windowMs: number
}

export const DEFAULT_RATE_BUDGET: RateBudgetLimits = { limit: 250, windowMs: 300_000 }
