import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type BudgetLane,
  type BudgetSettings,
  type BudgetState,
  initialBudgetState,
  laneCovers,
  leaseSlots,
  lineUp,
  MAX_LEASE_MS,
  refused,
  returnSlots,
  takeSlot,
  underPressure,
} from '../../../shared/halo/budget-state.js'

const SETTINGS: BudgetSettings = { ceiling: 10, windowMs: 10_000 }
/** A slot frees this long after its grant: the window plus the settle margin (0.5 s to 1 s). */
const FREES_AFTER = 10_500

/** A budget driven by an injected clock, as a worker would drive it. */
const budget = (settings = SETTINGS, start = 0) => {
  let state: BudgetState = initialBudgetState(settings, start)
  return {
    take(now: number, lane: BudgetLane = 'write') {
      const next = takeSlot(state, settings, now, lane)
      state = next.state
      return next.answer
    },
    lineUp(now: number, lane: BudgetLane = 'write') {
      const next = lineUp(state, settings, now, lane)
      state = next.state
      return next.retryAfterMs
    },
    refused(now: number, grantedAt: number, retryAfterMs?: number) {
      state = refused(state, settings, now, { grantedAt, retryAfterMs })
    },
    underPressure: (now: number) => underPressure(state, settings, now),
    get limit() {
      return state.limit
    },
  }
}

const takeMany = (b: ReturnType<typeof budget>, count: number, now: number, lane?: BudgetLane) =>
  Array.from({ length: count }, () => b.take(now, lane))

describe('the rate budget', () => {
  it('grants up to the limit at once, then says when the oldest slot frees', () => {
    const b = budget()
    expect(takeMany(b, 10, 0).every((answer) => answer.granted)).toBe(true)
    expect(b.take(1_000)).toEqual({ granted: false, retryAfterMs: FREES_AFTER - 1_000 })
    expect(b.take(FREES_AFTER)).toEqual({ granted: true, at: FREES_AFTER })
  })

  it('never grants more than the limit in any window of the settled length', async () => {
    await fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 3_000 }),
            fc.constantFrom<BudgetLane>('write', 'read', 'note'),
          ),
          { minLength: 1, maxLength: 80 },
        ),
        (ceiling, requests) => {
          const b = budget({ ceiling, windowMs: 10_000 })
          const granted: number[] = []
          let now = 0
          for (const [gap, lane] of requests) {
            now += gap
            const answer = b.take(now, lane)
            if (answer.granted) granted.push(now)
            else expect(answer.retryAfterMs).toBeGreaterThan(0)
            expect(granted.filter((at) => at > now - FREES_AFTER).length).toBeLessThanOrEqual(
              ceiling,
            )
          }
        },
      ),
    )
  })

  it('keeps room for writes: notes stop at 80 % of the window, lookups at 95 %', () => {
    const b = budget()
    expect(takeMany(b, 8, 0, 'note').every((answer) => answer.granted)).toBe(true)
    expect(b.take(0, 'note').granted).toBe(false)
    expect(b.underPressure(0)).toBe(true)
    expect(b.take(0, 'read').granted).toBe(true)
    expect(b.take(0, 'read').granted).toBe(false)
    expect(b.take(0, 'write').granted).toBe(true)
    expect(b.take(0, 'write').granted).toBe(false)
  })

  it('lets the sweep fill only its share of the window, every lane counted', () => {
    const b = budget({ ceiling: 10, windowMs: 10_000, sweepShare: 0.3 })
    expect(takeMany(b, 3, 0, 'sweep').every((answer) => answer.granted)).toBe(true)
    expect(b.take(0, 'sweep')).toEqual({ granted: false, retryAfterMs: FREES_AFTER })
    // Everyone else still has the rest of the window.
    expect(takeMany(b, 5, 0, 'note').every((answer) => answer.granted)).toBe(true)
  })

  it('gives the sweep nothing while others hold its share, Halo said wait, or callers are lined up', () => {
    const busy = budget({ ceiling: 10, windowMs: 10_000, sweepShare: 0.3 })
    takeMany(busy, 3, 0, 'read')
    expect(busy.take(0, 'sweep').granted).toBe(false)

    const blocked = budget({ ceiling: 10, windowMs: 10_000, sweepShare: 0.3 })
    blocked.refused(0, -1, 2_000)
    expect(blocked.take(1_000, 'sweep')).toEqual({ granted: false, retryAfterMs: 1_000 })

    const lined = budget({ ceiling: 10, windowMs: 10_000, sweepShare: 0.3 })
    lined.lineUp(0, 'write')
    expect(lined.take(0, 'sweep').granted).toBe(false)
  })

  it('never lets the sweep take more than its share in any window, however busy', async () => {
    await fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0.01, max: 0.8, noNaN: true }),
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 3_000 }),
            fc.constantFrom<BudgetLane>('write', 'read', 'note', 'sweep', 'sweep'),
          ),
          { minLength: 1, maxLength: 120 },
        ),
        (ceiling, sweepShare, requests) => {
          const b = budget({ ceiling, windowMs: 10_000, sweepShare })
          const swept: number[] = []
          let now = 0
          for (const [gap, lane] of requests) {
            now += gap
            const answer = b.take(now, lane)
            if (answer.granted && lane === 'sweep') swept.push(now)
            expect(swept.filter((at) => at > now - FREES_AFTER).length).toBeLessThanOrEqual(
              Math.floor(ceiling * sweepShare),
            )
          }
        },
      ),
    )
  })

  it('gives a refused request its slot back, so its retry costs one slot and not two', () => {
    const b = budget()
    const first = b.take(0)
    takeMany(b, 3, 0)
    b.refused(100, first.granted ? first.at : -1)
    // Halo allowed 3 when the budget thought 10 were fine: down by a quarter (at most) to 7.
    expect(b.limit).toBe(7)
    // 3 held, 7 allowed; the pause is one spacing at the new limit (10 s ÷ 7).
    const answers = takeMany(b, 5, 1_529)
    expect(answers.map((answer) => answer.granted)).toEqual([true, true, true, true, false])
  })

  it('learns the limit Halo evidently has, from the requests in its window at the 429', () => {
    const b = budget({ ceiling: 60, windowMs: 30_000 })
    const grants = takeMany(b, 41, 0)
    const last = grants.at(-1)
    b.refused(50, last?.granted ? last.at : -1)
    expect(b.limit).toBe(45) // 40 served (95 % is 38), but one 429 takes a quarter at most
    takeMany(b, 5, 2_000)
    b.refused(2_100, 0)
    expect(b.limit).toBe(41) // 44 held: 95 % of them
  })

  it('lowers the limit again for each further 429 of the same burst, to what Halo then held', () => {
    const b = budget({ ceiling: 10, windowMs: 10_000 })
    takeMany(b, 10, 0)
    b.refused(10, 0)
    expect(b.limit).toBe(8) // 9 left in the window: 95 % of them
    b.refused(20, 0)
    expect(b.limit).toBe(7)
    for (let i = 0; i < 20; i++) b.refused(30, 0)
    expect(b.limit).toBe(1) // nothing served any more: down to one, never to zero
  })

  it('honours Retry-After for every lane, and bounds an absurd one', () => {
    const b = budget()
    const first = b.take(0)
    b.refused(0, first.granted ? first.at : -1, 4_000)
    expect(b.take(1_000)).toEqual({ granted: false, retryAfterMs: 3_000 })
    expect(b.take(4_000).granted).toBe(true)

    const absurd = budget()
    const one = absurd.take(0)
    absurd.refused(0, one.granted ? one.at : -1, 3 * 86_400_000)
    const answer = absurd.take(1)
    expect(answer.granted).toBe(false)
    expect(answer.granted ? 0 : answer.retryAfterMs).toBeLessThanOrEqual(15 * 60_000)
  })

  it('pauses one spacing for a negative, unreadable or missing Retry-After', () => {
    const b = budget()
    const first = b.take(0)
    b.refused(0, first.granted ? first.at : -1, -5_000)
    expect(b.limit).toBe(7)
    expect(b.take(0)).toEqual({ granted: false, retryAfterMs: 1_429 }) // 10 s ÷ 7
    expect(b.take(1_429).granted).toBe(true)
  })

  it('never blocks longer than the window because of a bad Retry-After', () => {
    for (const retryAfter of [-5_000, undefined, Number.NaN]) {
      const b = budget()
      const first = b.take(0)
      takeMany(b, 9, 0)
      b.refused(0, first.granted ? first.at : -1, retryAfter)
      // Only a pause of one spacing; then the learned limit (95 % of 9) decides.
      expect(b.limit).toBe(8)
      expect(b.take(0)).toEqual({ granted: false, retryAfterMs: FREES_AFTER })
    }
  })

  it('raises a learned limit back toward the ceiling, a tenth per clean window', () => {
    const b = budget()
    const first = b.take(0)
    b.refused(0, first.granted ? first.at : -1)
    expect(b.limit).toBe(7)
    b.take(9_999)
    expect(b.limit).toBe(7)
    b.take(10_000)
    expect(b.limit).toBe(8)
    b.take(20_000)
    expect(b.limit).toBe(9)
  })

  it('lines waiting callers up one spacing apart, after the first time a slot frees', () => {
    const b = budget()
    takeMany(b, 10, 0)
    const times = [b.lineUp(100), b.lineUp(100), b.lineUp(100)]
    // The first slot frees at 10.5 s; then one request per window ÷ limit (1 s).
    expect(times).toEqual([FREES_AFTER - 100, FREES_AFTER + 900, FREES_AFTER + 1_900])
    expect(b.underPressure(100)).toBe(true)
  })

  it('treats a clock that went back as standing still, never blocking longer than the window and a lease', () => {
    const b = budget(SETTINGS, 1_000_000)
    takeMany(b, 10, 1_000_000)
    const answer = b.take(0) // the clock jumped 1 000 s back
    expect(answer.granted).toBe(false)
    expect(answer.granted ? 0 : answer.retryAfterMs).toBeLessThanOrEqual(FREES_AFTER + MAX_LEASE_MS)
    expect(b.take(FREES_AFTER + MAX_LEASE_MS).granted).toBe(true)
  })
})

describe('leased slots', () => {
  const LARGE: BudgetSettings = { ceiling: 250, windowMs: 300_000 }

  it('grants the first slot now and a few more dated at the end of the lease', () => {
    const { state, answer, extra, until } = leaseSlots(
      initialBudgetState(LARGE, 0),
      LARGE,
      1_000,
      'write',
      { most: 4, until: 6_000 },
    )
    expect(answer).toEqual({ granted: true, at: 1_000 })
    expect({ extra, until }).toEqual({ extra: 4, until: 6_000 })
    expect(state.grants).toEqual([1_000, 6_000, 6_000, 6_000, 6_000])
  })

  it('takes at most a tenth of the free slots, and no more than one while under pressure', () => {
    const small: BudgetSettings = { ceiling: 20, windowMs: 10_000 }
    expect(
      leaseSlots(initialBudgetState(small, 0), small, 0, 'write', { most: 4, until: 5_000 }).extra,
    ).toBe(1)
    // Half the note lane used: the next caller gets its one slot and nothing more.
    let state = initialBudgetState(LARGE, 0)
    for (let i = 0; i < 100; i++) state = takeSlot(state, LARGE, 0, 'write').state
    expect(leaseSlots(state, LARGE, 0, 'write', { most: 4, until: 5_000 }).extra).toBe(0)
    // Someone is lined up: no extras either.
    const lined = lineUp(initialBudgetState(LARGE, 0), LARGE, 0, 'write').state
    expect(
      leaseSlots({ ...lined, lineUntil: 60_000 }, LARGE, 0, 'write', { most: 4, until: 5_000 })
        .extra,
    ).toBe(0)
  })

  it('never dates a leased slot further ahead than the longest lease', () => {
    const { until, state } = leaseSlots(initialBudgetState(LARGE, 0), LARGE, 0, 'write', {
      most: 2,
      until: 3_600_000,
    })
    expect(until).toBe(MAX_LEASE_MS)
    expect(state.grants).toEqual([0, MAX_LEASE_MS, MAX_LEASE_MS])
  })

  it('counts leased slots in the window until they are given back', () => {
    const small: BudgetSettings = { ceiling: 20, windowMs: 10_000 }
    const leased = leaseSlots(initialBudgetState(small, 0), small, 0, 'write', {
      most: 4,
      until: 2_000,
    })
    expect(leased.state.grants).toHaveLength(2)
    const back = returnSlots(leased.state, small, 1_000, leased.until, leased.extra)
    expect(back.grants).toEqual([0])
    // Giving back more than there are takes nothing else.
    expect(returnSlots(back, small, 1_000, leased.until, 3).grants).toEqual([0])
  })

  it('lets a slot of a narrower lane serve a wider one, never the other way round', () => {
    expect(laneCovers('note', 'write')).toBe(true)
    expect(laneCovers('read', 'write')).toBe(true)
    expect(laneCovers('write', 'write')).toBe(true)
    expect(laneCovers('write', 'note')).toBe(false)
    expect(laneCovers('read', 'note')).toBe(false)
  })
})
