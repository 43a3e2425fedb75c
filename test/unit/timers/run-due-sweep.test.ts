import { describe, expect, it } from 'vitest'
import type { DueEnvelope, Envelope } from '../../../shared/envelope.js'
import { QueueError } from '../../../shared/errors.js'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { silentLogger } from '../../../shared/observability.js'
import type { EventQueue } from '../../../shared/queue/event-queue.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { dueEnvelope } from '../../../shared/timers/due-envelope.js'
import { runDueSweep } from '../../../shared/timers/run-due-sweep.js'
import {
  correlationRecord,
  standInDueAtOf,
} from '../../support/contracts/correlation-store-contract.js'

const NOW = new Date('2026-01-01T01:00:00.000Z')
const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`

/** Problems due at minutes 30, 10 and 20 on `alerts`, one on a removed route, one not yet due. */
const setup = async () => {
  const store = createMemoryCorrelationStore({ dueAtOf: standInDueAtOf })
  for (const [key, minute] of [
    ['c', 30],
    ['a', 10],
    ['b', 20],
  ] as const) {
    await store.put(correlationRecord({ key, lastNotedAt: at(minute) }), undefined)
  }
  await store.put(correlationRecord({ route: 'gone', key: 'g', lastNotedAt: at(0) }), undefined)
  await store.put(
    correlationRecord({ key: 'later', lastNotedAt: '2026-01-01T02:00:00.000Z' }),
    undefined,
  )
  await store.put(correlationRecord({ key: 'never' }), undefined)
  const queue = createMemoryEventQueue()
  const deps = { store, queue, routes: new Set(['alerts']), logger: silentLogger, now: () => NOW }
  const queued = () => queue.pending() as DueEnvelope[]
  return { store, queue, deps, queued }
}

describe('runDueSweep', () => {
  it('queues one timer per due problem of the configured routes, longest overdue first', async () => {
    const { deps, queued } = await setup()

    const report = await runDueSweep(deps)

    expect(report).toEqual({ listed: 3, queued: 3 })
    expect(queued()).toEqual([
      dueEnvelope({ route: 'alerts', key: 'a', dueAt: at(10) }, NOW),
      dueEnvelope({ route: 'alerts', key: 'b', dueAt: at(20) }, NOW),
      dueEnvelope({ route: 'alerts', key: 'c', dueAt: at(30) }, NOW),
    ])
  })

  it('never lets problems of a removed route take the places of configured ones', async () => {
    const { deps, store, queued } = await setup()
    for (let n = 0; n < 600; n++) {
      await store.put(
        correlationRecord({ route: 'gone', key: `g${n}`, lastNotedAt: at(0) }),
        undefined,
      )
    }

    // 601 problems of the removed route are due first, more than a sweep lists.
    const report = await runDueSweep(deps)

    expect(report).toEqual({ listed: 3, queued: 3 })
    expect(queued().map(({ due }) => due.key)).toEqual(['a', 'b', 'c'])
  })

  it('queues the same timer again when a later sweep lists the same due time (one after FIFO dedup)', async () => {
    const { deps, queue } = await setup()

    await runDueSweep(deps)
    await runDueSweep({ ...deps, now: () => new Date(NOW.getTime() + 60_000) })

    expect(queue.pending()).toHaveLength(3)
  })

  it('lists at most the limit, and leaves the rest first for the next sweep', async () => {
    const { deps, queued } = await setup()

    expect(await runDueSweep({ ...deps, limit: 2 })).toEqual({ listed: 2, queued: 2 })
    expect(queued().map((timer) => timer.due.key)).toEqual(['a', 'b'])
  })

  it('stops queueing at its deadline, and the next sweep starts from what it left', async () => {
    const { deps, store } = await setup()
    for (let i = 0; i < 25; i++) {
      await store.put(correlationRecord({ key: `m${i}`, lastNotedAt: at(40) }), undefined)
    }
    let clock = NOW.getTime()
    const sent: Envelope[][] = []
    const queue: EventQueue = {
      async send(envelopes) {
        sent.push([...envelopes])
        clock += 1_000 // each batch takes a second
      },
    }

    const report = await runDueSweep({
      ...deps,
      queue,
      now: () => new Date(clock),
      deadline: NOW.getTime() + 2_000,
    })

    expect(report).toMatchObject({ listed: 28, queued: 20, stoppedBy: 'deadline' })
    expect(sent.map((batch) => batch.length)).toEqual([10, 10])
  })

  it('fails with the queue, so the problems stay due for the next sweep', async () => {
    const { deps, store } = await setup()
    const queue: EventQueue = {
      send: async () => {
        throw new QueueError('queue down')
      },
    }

    await expect(runDueSweep({ ...deps, queue })).rejects.toThrow(QueueError)
    expect(await store.listDue(NOW, 10, ['alerts'])).toHaveLength(3)
  })

  it('does nothing when nothing is due', async () => {
    const { deps, queued } = await setup()

    expect(await runDueSweep({ ...deps, now: () => new Date(at(5)) })).toEqual({
      listed: 0,
      queued: 0,
    })
    expect(queued()).toEqual([])
  })
})
