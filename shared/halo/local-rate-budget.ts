import {
  type BudgetState,
  lineUp,
  refused,
  storedBudgetState,
  takeSlot,
  underPressure,
} from './budget-state.js'
import { budgetSettings, type RateBudget, type RateBudgetLimits } from './rate-budget.js'

/** Where a budget of one process keeps its state: a variable, or a row of a local file. */
export type BudgetStateCell = {
  /** The stored state as it was written, or undefined before the first write. */
  read(): Record<string, unknown> | undefined
  write(state: BudgetState): void
}

/**
 * A {@link RateBudget} whose state one process holds (the memory and SQLite adapters): each
 * call reads the state, applies the pure rules of `budget-state.ts` and writes the result back,
 * with nothing in between, so no other caller can interleave.
 *
 * @throws RangeError when `limit` or `windowMs` is not a positive number.
 */
export const createLocalRateBudget = (limits: Partial<RateBudgetLimits>, cell: BudgetStateCell) => {
  const settings = budgetSettings(limits)
  const at = (now: number) => storedBudgetState(cell.read(), settings, now)

  return {
    async take(now, lane) {
      const next = takeSlot(at(now), settings, now, lane)
      cell.write(next.state)
      return next.answer
    },
    async lineUp(now, lane) {
      const next = lineUp(at(now), settings, now, lane)
      cell.write(next.state)
      return next.retryAfterMs
    },
    async refused(now, report) {
      cell.write(refused(at(now), settings, now, report))
    },
    async underPressure(now) {
      return underPressure(at(now), settings, now)
    },
    /** The configured ceiling and window. */
    limits: { limit: settings.ceiling, windowMs: settings.windowMs } as const,
    /** The limit learned so far (the ceiling until Halo refuses a request). */
    learnedLimit: (): number => at(Date.now()).limit,
  } satisfies RateBudget & Record<string, unknown>
}

export type LocalRateBudget = ReturnType<typeof createLocalRateBudget>
