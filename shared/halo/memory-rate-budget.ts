import type { BudgetState } from './budget-state.js'
import { createLocalRateBudget } from './local-rate-budget.js'
import type { RateBudgetLimits } from './rate-budget.js'

/**
 * A {@link RateBudget} held in this process: right for tests and a single worker. Several Lambda
 * workers need the shared (DynamoDB) adapter instead, since each would otherwise spend the whole
 * budget on its own; the local gateway keeps it in its SQLite file, so a restart remembers what
 * it spent and learned.
 *
 * @throws RangeError when `limit` or `windowMs` is not a positive number.
 */
export const createMemoryRateBudget = (limits: Partial<RateBudgetLimits> = {}) => {
  let state: BudgetState | undefined
  return createLocalRateBudget(limits, {
    read: () => state,
    write(next) {
      state = next
    },
  })
}

export type MemoryRateBudget = ReturnType<typeof createMemoryRateBudget>
