import { describe, expect, it } from 'vitest'
import type { TicketEventEnvelope } from '../../../shared/envelope.js'
import { createHaloClient } from '../../../shared/halo/halo-client.js'
import { createMemoryRateBudget } from '../../../shared/halo/memory-rate-budget.js'
import type { LifecyclePolicy } from '../../../shared/lifecycle/lifecycle-policy.js'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { silentLogger } from '../../../shared/observability.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { runSweep } from '../../../shared/reconcile/run-sweep.js'
import { createMemorySweepCursor } from '../../../shared/reconcile/sweep-cursor.js'
import { correlationRecord } from '../../support/contracts/correlation-store-contract.js'
import {
  isTokenCall,
  json,
  manualClock,
  type RecordedCall,
  type ScriptedAnswer,
  scriptedFetch,
  tokenAnswer,
} from '../../support/halo/scripted-fetch.js'

const ticketIdOf = (call: RecordedCall) => Number(call.url.pathname.split('/').at(-1))

/** Three open tickets (checked at minutes 3, 1 and 2) and a closed one, and a Halo that answers. */
const setup = async (
  answer: (ticketId: number) => ScriptedAnswer = (id) => json({ id, status_id: 1 }),
  budgetLimit = 100,
) => {
  const store = createMemoryCorrelationStore()
  const checked = (minute: number) => `2026-01-01T00:0${minute}:00.000Z`
  for (const [ticketId, minute] of [
    [11, 3],
    [12, 1],
    [13, 2],
  ] as const) {
    await store.put(correlationRecord({ ticketId, haloEventAt: checked(minute) }), undefined)
  }
  await store.put(correlationRecord({ ticketId: 14, state: 'closed' }), undefined)
  const script = scriptedFetch((call) =>
    isTokenCall(call) ? tokenAnswer() : answer(ticketIdOf(call)),
  )
  const clock = manualClock()
  const budget = createMemoryRateBudget({ limit: budgetLimit, windowMs: 60_000, sweepShare: 0.5 })
  const halo = createHaloClient({
    baseUrl: 'https://halo.example',
    authUrl: 'https://halo.example/auth',
    clientId: 'id',
    clientSecret: 'secret',
    fetch: script.fetch,
    budget,
    now: clock.now,
    sleep: clock.sleep,
    maxAttempts: 1,
  })
  const queue = createMemoryEventQueue()
  const cursor = createMemorySweepCursor()
  const deps = {
    store,
    halo,
    queue,
    cursor,
    routes: new Map([['alerts', { lifecycle: { closedStatusId: 9 } as LifecyclePolicy }]]),
    logger: silentLogger,
    now: () => new Date(clock.now()),
  }
  const ticketReads = () => script.calls.filter((call) => !isTokenCall(call)).map(ticketIdOf)
  const queued = () =>
    queue.pending().map((envelope) => (envelope as TicketEventEnvelope).ticketEvent)
  return { deps, budget, clock, ticketReads, queued, cursor, script }
}

const closedOr = (closed: readonly number[]) => (id: number) =>
  closed.includes(id)
    ? json({ id, status_id: 9, hasbeenclosed: true })
    : json({ id, status_id: 1, hasbeenclosed: false })

describe('runSweep', () => {
  it('reads the open tickets least recently checked first and queues only what changed', async () => {
    const { deps, ticketReads, queued, cursor } = await setup(closedOr([13]))

    const report = await runSweep({ maxTickets: 10 }, deps)

    expect(report).toEqual({ listed: 3, queued: 1, unchanged: 2, failed: 0, unrouted: 0 })
    expect(ticketReads()).toEqual([12, 13, 11])
    expect(queued()).toMatchObject([{ ticketId: 13, statusId: 9, hasBeenClosed: true }])
    // It reached the end of the list: the next sweep starts over.
    expect(await cursor.read()).toBeUndefined()
  })

  it("queues a ticket in the route's closing status, or that says nothing, for deliver to judge", async () => {
    const { deps, queued } = await setup((id) =>
      id === 12
        ? json({ id, status_id: 9 })
        : id === 13
          ? json({ id })
          : json({ id, status_id: 1 }),
    )

    await runSweep({ maxTickets: 10 }, deps)

    expect(queued().map(({ ticketId }) => ticketId)).toEqual([12, 13])
  })

  it('reads no more than the pace allows, and the next sweep goes on where it stopped', async () => {
    const { deps, ticketReads, cursor } = await setup()

    expect(await runSweep({ maxTickets: 2 }, deps)).toEqual({
      listed: 2,
      queued: 0,
      unchanged: 2,
      failed: 0,
      unrouted: 0,
    })
    expect(ticketReads()).toEqual([12, 13])
    expect(await cursor.read()).toMatchObject({ ticketId: 13 })

    // The end comes after one: round to the start for the second.
    await runSweep({ maxTickets: 2 }, deps)
    expect(ticketReads()).toEqual([12, 13, 11, 12])
    expect(await cursor.read()).toMatchObject({ ticketId: 12 })

    await runSweep({ maxTickets: 3 }, deps)
    expect(ticketReads()).toEqual([12, 13, 11, 12, 13, 11, 12])
    expect(await cursor.read()).toMatchObject({ ticketId: 12 })
  })

  it('never reads a ticket twice in one sweep when going round', async () => {
    const { deps, ticketReads } = await setup()
    await runSweep({ maxTickets: 1 }, deps)

    await runSweep({ maxTickets: 10 }, deps)

    expect(ticketReads()).toEqual([12, 13, 11, 12])
  })

  it('queues a ticket Halo answers 404 for as deleted', async () => {
    const { deps, queued } = await setup((id) =>
      id === 12 ? json({ ClassName: 'NotFound' }, 404) : json({ id, status_id: 1 }),
    )

    await runSweep({ maxTickets: 1 }, deps)

    expect(queued()).toMatchObject([{ ticketId: 12, implies: 'deleted' }])
  })

  it('stops at once, without sleeping or reading, when others hold the sweep lane', async () => {
    const { deps, budget, clock, ticketReads, queued, cursor } = await setup(undefined, 10)
    // The token takes one slot; four lookups fill the sweep's half of the window.
    for (let taken = 0; taken < 5; taken++) await budget.take(clock.now(), 'read')

    const report = await runSweep({ maxTickets: 10 }, deps)

    expect(report).toEqual({
      listed: 3,
      queued: 0,
      unchanged: 0,
      failed: 0,
      unrouted: 0,
      stoppedBy: 'budget',
    })
    expect(ticketReads()).toEqual([])
    expect(queued()).toEqual([])
    expect(clock.sleeps).toEqual([])
    expect(await cursor.read()).toBeUndefined()
    // It took no place in the budget's line: notes are not held back by it.
    expect(await budget.underPressure(clock.now())).toBe(false)
  })

  it('stops when its share is spent, the rest first for the next sweep', async () => {
    const { deps, ticketReads, cursor } = await setup(closedOr([12]), 6)

    // A share of 3 of 6: the token and two reads.
    const report = await runSweep({ maxTickets: 10 }, deps)

    expect(report).toEqual({
      listed: 3,
      queued: 1,
      unchanged: 1,
      failed: 0,
      unrouted: 0,
      stoppedBy: 'budget',
    })
    expect(ticketReads()).toEqual([12, 13])
    expect(await cursor.read()).toMatchObject({ ticketId: 13 })
  })

  it('stops when Halo is unavailable, and skips a ticket only it fails for', async () => {
    const unavailable = await setup((id) =>
      id === 13 ? json({}, 503) : json({ id, status_id: 1 }),
    )
    expect(await runSweep({ maxTickets: 10 }, unavailable.deps)).toEqual({
      listed: 3,
      queued: 0,
      unchanged: 1,
      failed: 0,
      unrouted: 0,
      stoppedBy: 'halo_unavailable',
    })
    // The ticket Halo failed for is first next time.
    expect(await unavailable.cursor.read()).toMatchObject({ ticketId: 12 })

    const refused = await setup((id) => (id === 13 ? json({}, 403) : json({ id, status_id: 1 })))
    expect(await runSweep({ maxTickets: 10 }, refused.deps)).toEqual({
      listed: 3,
      queued: 0,
      unchanged: 2,
      failed: 1,
      unrouted: 0,
    })
  })

  it('leaves the cursor before a ticket whose event could not be queued', async () => {
    const { deps, cursor } = await setup(closedOr([13]))
    const failing = {
      ...deps,
      queue: {
        send: async () => {
          throw new Error('queue down')
        },
      },
    }

    await expect(runSweep({ maxTickets: 10 }, failing)).rejects.toThrow('queue down')

    expect(await cursor.read()).toMatchObject({ ticketId: 12 })
  })

  it('skips, unread, the tickets of a route no longer configured', async () => {
    const { deps, ticketReads } = await setup()

    const report = await runSweep({ maxTickets: 10 }, { ...deps, routes: new Map() })

    expect(report).toEqual({ listed: 3, queued: 0, unchanged: 0, failed: 0, unrouted: 3 })
    expect(ticketReads()).toEqual([])
  })

  it('reads nothing more once its deadline has come', async () => {
    const { deps, clock, ticketReads } = await setup()

    const report = await runSweep({ maxTickets: 10 }, { ...deps, deadline: clock.now() })

    expect(report).toEqual({
      listed: 3,
      queued: 0,
      unchanged: 0,
      failed: 0,
      unrouted: 0,
      stoppedBy: 'deadline',
    })
    expect(ticketReads()).toEqual([])
  })
})
