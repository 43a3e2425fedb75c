import type { Reconcile } from '../config/reconcile-config.js'
import type { RateBudgetLimits } from '../halo/rate-budget.js'

/** What one sweep may do: list and read at most `maxTickets` tickets. */
export type SweepPace = { maxTickets: number }

/**
 * The most tickets one sweep lists: its configured maximum, but never more than its share of the
 * budget's window could read (listing more would only read the store for tickets the budget
 * refuses). Pure; the budget's sweep lane enforces the share itself, across sweeps and workers.
 */
export const sweepPace = (
  reconcile: Pick<Reconcile, 'maxTicketsPerSweep' | 'maxBudgetShare'>,
  budget: Pick<RateBudgetLimits, 'limit'>,
): SweepPace => ({
  maxTickets: Math.min(
    reconcile.maxTicketsPerSweep,
    Math.floor(budget.limit * reconcile.maxBudgetShare),
  ),
})
