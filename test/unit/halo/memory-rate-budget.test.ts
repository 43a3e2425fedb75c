import { describe, expect, it } from 'vitest'
import { createMemoryRateBudget } from '../../../shared/halo/memory-rate-budget.js'
import { rateBudgetContract } from '../../support/contracts/rate-budget-contract.js'

describe('createMemoryRateBudget', () => {
  rateBudgetContract((limits) => {
    const budget = createMemoryRateBudget(limits)
    return () => budget
  })

  it('defaults to 250 requests per rolling 300 s', () => {
    expect(createMemoryRateBudget().limits).toEqual({ limit: 250, windowMs: 300_000 })
  })

  it('tells the limit it learned: a quarter off at most per 429', async () => {
    const budget = createMemoryRateBudget({ limit: 20, windowMs: 10_000 })
    expect(budget.learnedLimit()).toBe(20)
    for (let i = 0; i < 15; i++) await budget.take(0, 'write')
    await budget.refused(10, { grantedAt: 0 })

    expect(budget.learnedLimit()).toBe(15)
  })
})
