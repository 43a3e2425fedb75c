import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryCorrelationStore } from '../../shared/lifecycle/memory-correlation-store.js'
import {
  correlationRecord,
  standInDueAtOf,
} from '../support/contracts/correlation-store-contract.js'
import { startTestGateway } from '../support/gateway-harness.js'
import { eventually } from '../support/processes.js'

let harness: Awaited<ReturnType<typeof startTestGateway>> | undefined
afterEach(async () => {
  await harness?.gateway.close()
  harness = undefined
})

describe('the due sweep in the local gateway', () => {
  it('is not started while no route keeps deadlines', async () => {
    harness = await startTestGateway()

    expect(harness.gateway.dueEveryMs).toBeUndefined()
  })

  it('queues a timer for a due problem on its own, once, and the worker delivers it', async () => {
    // The store's due index stands a deadline in (no policy keeps one yet); deliver decides with
    // the real policies, which find nothing due on the record.
    const store = createMemoryCorrelationStore({ dueAtOf: standInDueAtOf })
    await store.put(
      correlationRecord({
        route: 'prometheus',
        key: 'backup-nas01',
        lastNotedAt: '2026-11-28T11:59:00.000Z',
      }),
      undefined,
    )
    harness = await startTestGateway({ store, timers: true, dueEveryMs: 20 })
    const { gateway } = harness

    const delivered = await eventually(async () => {
      const entries = await gateway.history.list()
      return entries.find((entry) => entry.key === 'backup-nas01')
    })
    // Later sweeps list it again, as the same timer: the queue drops the repeats.
    await eventually(async () => ((await gateway.dueSweep()).listed === 1 ? true : undefined))
    await harness.settled()

    expect(gateway.dueEveryMs).toBe(20)
    expect(delivered).toMatchObject({
      route: 'prometheus',
      outcome: 'suppressed',
      reason: 'nothing due',
    })
    const timers = (await gateway.history.list()).filter((entry) => entry.key === 'backup-nas01')
    expect(timers).toHaveLength(1)
    expect(harness.sandbox.tickets()).toEqual([])
  })
})
