import {
  type BudgetState,
  initialBudgetState,
  lineUp,
  refused,
  takeSlot,
  underPressure,
} from './budget-state.js'
import { budgetSettings, type RateBudget, type RateBudgetLimits } from './rate-budget.js'

/**
 * A {@link RateBudget} held in this process: right for the local gateway, tests and a single
 * worker. Several Lambda workers need the shared (DynamoDB) adapter instead, since each would
 * otherwise spend the whole budget on its own.
 *
 * @throws RangeError when `limit` or `windowMs` is not a positive number.
 */
export const createMemoryRateBudget = (limits: Partial<RateBudgetLimits> = {}) => {
  const settings = budgetSettings(limits)
  let state: BudgetState | undefined
  const at = (now: number) => state ?? initialBudgetState(settings, now)

  const budget = {
    async take(now, lane) {
      const next = takeSlot(at(now), settings, now, lane)
      state = next.state
      return next.answer
    },
    async lineUp(now, lane) {
      const next = lineUp(at(now), settings, now, lane)
      state = next.state
      return next.retryAfterMs
    },
    async refused(now, report) {
      state = refused(at(now), settings, now, report)
    },
    async underPressure(now) {
      return underPressure(at(now), settings, now)
    },
    /** The configured ceiling and window. */
    limits: { limit: settings.ceiling, windowMs: settings.windowMs } as const,
    /** The limit learned so far (the ceiling until Halo refuses a request). */
    learnedLimit: (): number => state?.limit ?? settings.ceiling,
  } satisfies RateBudget & Record<string, unknown>
  return budget
}

export type MemoryRateBudget = ReturnType<typeof createMemoryRateBudget>
