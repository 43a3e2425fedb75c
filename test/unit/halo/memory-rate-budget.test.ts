import { describe, expect, it } from 'vitest'
import { createMemoryRateBudget } from '../../../shared/halo/memory-rate-budget.js'

describe('createMemoryRateBudget', () => {
  it('defaults to 250 requests per rolling 300 s', () => {
    expect(createMemoryRateBudget().limits).toEqual({ limit: 250, windowMs: 300_000 })
  })

  it('grants up to the limit, then says when the oldest slot frees up', async () => {
    const budget = createMemoryRateBudget({ limit: 2, windowMs: 1_000 })

    expect(await budget.take(0, 'write')).toEqual({ granted: true, at: 0 })
    expect(await budget.take(100, 'write')).toEqual({ granted: true, at: 100 })
    expect(await budget.take(200, 'write')).toEqual({ granted: false, retryAfterMs: 1_300 })
    expect(await budget.take(1_500, 'write')).toEqual({ granted: true, at: 1_500 })
  })

  it('keeps one budget across callers: a 429 lowers the limit for everyone', async () => {
    const budget = createMemoryRateBudget({ limit: 20, windowMs: 10_000 })
    for (let i = 0; i < 15; i++) await budget.take(0, 'write')
    await budget.refused(10, { grantedAt: 0 })

    expect(budget.learnedLimit()).toBe(15) // a quarter off at most
    expect(await budget.underPressure(10)).toBe(true)
    expect(await budget.take(10, 'read')).toMatchObject({ granted: false })
  })

  it('rejects limits that make no sense', () => {
    expect(() => createMemoryRateBudget({ limit: 0 })).toThrow(RangeError)
    expect(() => createMemoryRateBudget({ windowMs: 0 })).toThrow(RangeError)
  })
})
