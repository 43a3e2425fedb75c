import { describe, expect, it } from 'vitest'
import { sweepPace } from '../../../shared/reconcile/sweep-pace.js'

describe('sweepPace', () => {
  it.each([
    { maxTicketsPerSweep: 50, maxBudgetShare: 0.2, limit: 250, maxTickets: 50 },
    { maxTicketsPerSweep: 50, maxBudgetShare: 0.1, limit: 250, maxTickets: 25 },
    { maxTicketsPerSweep: 10, maxBudgetShare: 0.8, limit: 1_000, maxTickets: 10 },
    { maxTicketsPerSweep: 50, maxBudgetShare: 0.05, limit: 10, maxTickets: 0 },
  ])(
    'lists $maxTickets when $maxTicketsPerSweep are allowed and $maxBudgetShare of $limit is the share',
    ({ maxTicketsPerSweep, maxBudgetShare, limit, maxTickets }) => {
      expect(sweepPace({ maxTicketsPerSweep, maxBudgetShare }, { limit })).toEqual({ maxTickets })
    },
  )
})
