import { type BudgetAnswer, type BudgetLane, MAX_SWEEP_SHARE } from './budget-state.js'

export type { BudgetAnswer, BudgetLane }

/**
 * Halo's request budget for one Halo tenant, shared by every caller that draws on it, and
 * learning Halo's real limit from its 429s (the rules are in `budget-state.ts`). Adapters:
 * memory (one process: the local gateway, tests) and DynamoDB (every Lambda worker at once).
 */
export interface RateBudget {
  /** Takes one request slot for `lane` at `now` (ms since epoch), or says how long until one frees. */
  take(now: number, lane: BudgetLane): Promise<BudgetAnswer>
  /**
   * For a caller that will come back later instead of waiting: when to come back, lined up
   * behind the callers told before it.
   */
  lineUp(now: number, lane: BudgetLane): Promise<number>
  /** Halo answered 429 to the request granted at `grantedAt`: give its slot back, and learn. */
  refused(
    now: number,
    report: { grantedAt: number; retryAfterMs?: number | undefined },
  ): Promise<void>
  /** Whether notes should wait for now (the note lane is full, or callers are lined up). */
  underPressure(now: number): Promise<boolean>
}

export type RateBudgetLimits = {
  /** Requests allowed per window at most (the learned limit stays below it). @default 250 */
  limit: number
  /** Rolling window length in ms. @default 300_000 */
  windowMs: number
  /**
   * The share of the window the reconcile sweep's lane may fill, every lane counted (0 < share
   * ≤ 0.8). @default 0.2
   */
  sweepShare?: number
}

export const DEFAULT_RATE_BUDGET: RateBudgetLimits = { limit: 250, windowMs: 300_000 }

/** Checked limits, as the budget's pure rules take them. @throws RangeError when not positive */
export const budgetSettings = (limits: Partial<RateBudgetLimits> = {}) => {
  const { limit, windowMs, sweepShare } = { ...DEFAULT_RATE_BUDGET, ...limits }
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be an integer ≥ 1')
  if (!(windowMs > 0)) throw new RangeError('windowMs must be > 0')
  if (sweepShare !== undefined && !(sweepShare > 0 && sweepShare <= MAX_SWEEP_SHARE)) {
    throw new RangeError(`sweepShare must be > 0 and ≤ ${MAX_SWEEP_SHARE}`)
  }
  return { ceiling: limit, windowMs, ...(sweepShare === undefined ? {} : { sweepShare }) }
}
