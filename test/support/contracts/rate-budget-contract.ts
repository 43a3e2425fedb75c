import { describe, expect, it } from 'vitest'
import type { RateBudget, RateBudgetLimits } from '../../../shared/halo/rate-budget.js'

/**
 * What every {@link RateBudget} adapter must do, run once per adapter. `open(limits)` creates a
 * new budget and answers a function that gives a handle on it: the same object in memory, a
 * new adapter on the same row or item elsewhere, as another caller (or worker) would have.
 */
export const rateBudgetContract = (open: (limits: RateBudgetLimits) => () => RateBudget) => {
  describe('the rate budget contract', () => {
    it('grants up to the limit in a window, then says when the oldest slot frees up', async () => {
      const budget = open({ limit: 3, windowMs: 10_000 })()

      expect(await budget.take(1_000, 'write')).toEqual({ granted: true, at: 1_000 })
      expect(await budget.take(2_000, 'write')).toEqual({ granted: true, at: 2_000 })
      expect(await budget.take(3_000, 'write')).toEqual({ granted: true, at: 3_000 })
      // The oldest slot frees when its request has left the window, plus a 500 ms settle margin.
      expect(await budget.take(4_000, 'write')).toEqual({ granted: false, retryAfterMs: 7_500 })
      expect(await budget.take(11_500, 'write')).toEqual({ granted: true, at: 11_500 })
    })

    it('keeps lanes apart: notes stop first, writes may fill the window', async () => {
      const budget = open({ limit: 10, windowMs: 10_000 })()
      for (let i = 0; i < 8; i++) await budget.take(0, 'write')

      expect(await budget.underPressure(0)).toBe(true)
      expect(await budget.take(0, 'note')).toMatchObject({ granted: false })
      expect(await budget.take(0, 'write')).toEqual({ granted: true, at: 0 })
    })

    it('learns from a 429 for every caller at once, and lines waiting callers up in order', async () => {
      const handle = open({ limit: 20, windowMs: 10_000 })
      const [one, two] = [handle(), handle()]
      for (let i = 0; i < 15; i++) await one.take(0, 'write')
      await one.refused(100, { grantedAt: 0, retryAfterMs: 2_000 })

      expect(await two.take(200, 'write')).toEqual({ granted: false, retryAfterMs: 1_900 })
      expect(await two.underPressure(200)).toBe(true)
      // The limit came down a quarter at most, to 15; reads may fill 95 % of it, 14 slots, and
      // the 14 grants still in the window (the refused one was given back) take them all.
      expect(await two.take(3_000, 'read')).toMatchObject({ granted: false })
      const first = await two.lineUp(3_000, 'write')
      const second = await one.lineUp(3_000, 'write')
      expect(second).toBeGreaterThan(first)
    })

    it('keeps separate budgets apart', async () => {
      const a = open({ limit: 1, windowMs: 60_000 })()
      const b = open({ limit: 1, windowMs: 60_000 })()

      expect(await a.take(1, 'write')).toEqual({ granted: true, at: 1 })
      expect(await b.take(1, 'write')).toEqual({ granted: true, at: 1 })
      expect(await a.take(2, 'write')).toMatchObject({ granted: false })
    })

    it('refuses limits that make no sense', () => {
      expect(() => open({ limit: 0, windowMs: 1_000 })()).toThrow(RangeError)
      expect(() => open({ limit: 1.5, windowMs: 1_000 })()).toThrow(RangeError)
      expect(() => open({ limit: 10, windowMs: 0 })()).toThrow(RangeError)
    })
  })
}
