import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createMemoryRateBudget } from '../../../shared/halo/memory-rate-budget.js'

describe('createMemoryRateBudget', () => {
  it('defaults to 250 requests per rolling 300 s', () => {
    expect(createMemoryRateBudget().limits).toEqual({ limit: 250, windowMs: 300_000 })
  })

  it('grants up to the limit, then says when the oldest slot frees up', async () => {
    const budget = createMemoryRateBudget({ limit: 2, windowMs: 1_000 })

    expect(await budget.take(0)).toEqual({ granted: true })
    expect(await budget.take(100)).toEqual({ granted: true })
    expect(await budget.take(200)).toEqual({ granted: false, retryAfterMs: 800 })
    expect(await budget.take(1_000)).toEqual({ granted: true })
  })

  it('rejects limits that make no sense', () => {
    expect(() => createMemoryRateBudget({ limit: 0 })).toThrow(RangeError)
    expect(() => createMemoryRateBudget({ windowMs: 0 })).toThrow(RangeError)
  })

  it('never grants more than the limit in any window, and a denial names a time that works', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 10, max: 1_000 }),
        fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 60 }),
        async (limit, windowMs, gaps) => {
          const budget = createMemoryRateBudget({ limit, windowMs })
          const granted: number[] = []
          let now = 0
          for (const gap of gaps) {
            now += gap
            const decision = await budget.take(now)
            if (decision.granted) {
              granted.push(now)
            } else {
              expect(decision.retryAfterMs).toBeGreaterThan(0)
              const probe = createMemoryRateBudget({ limit, windowMs })
              for (const at of granted) await probe.take(at)
              expect((await probe.take(now + decision.retryAfterMs)).granted).toBe(true)
            }
            const inWindow = granted.filter((at) => at > now - windowMs)
            expect(inWindow.length).toBeLessThanOrEqual(limit)
          }
        },
      ),
    )
  })
})
