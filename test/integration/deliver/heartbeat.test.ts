import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { deliverEvent } from '../../../functions/deliver/deliver-event.js'
import { startHaloSandbox } from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { createMemoryDeliveryHistory } from '../../../shared/delivery/memory-delivery-history.js'
import { createHistoryReceipts } from '../../../shared/delivery/write-receipts.js'
import { dueEnvelope } from '../../../shared/timers/due-envelope.js'
import { envelopeFor } from '../../support/envelopes.js'
import { sandboxDeliverDeps } from '../../support/sandbox-deliver-deps.js'

// A heartbeat end to end through deliverEvent and the Halo sandbox: pings cost no Halo request,
// the timer the due sweep queues after the deadline opens the missed ticket from the route's
// templates, and the next ping closes it.

const { routes } = compileConfig({
  routes: {
    beats: {
      source: 'heartbeat',
      auth: { type: 'bearer' },
      heartbeat: { expectEveryMinutes: 60, graceMinutes: 10 },
      // Saturday: out of hours, which the missed ticket's templates see (false, not absent).
      businessHours: {
        weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', to: '18:00' }],
      },
      ticket: {
        summary: '{% alert.title %}',
        details: 'Last ping {% payload.heartbeat.lastPingAt %}',
        priority_id: '{% alert.inBusinessHours = false ? 1 : 3 %}',
        client_id: 12,
      },
    },
  },
})
// The same heartbeat with a ticket nothing routes: its missed ticket fails for good.
const unroutable = compileConfig({
  routes: {
    beats: {
      source: 'heartbeat',
      auth: { type: 'bearer' },
      heartbeat: { expectEveryMinutes: 60, graceMinutes: 10 },
    },
  },
}).routes
const T0 = Date.parse('2026-11-28T07:00:00.000Z')
const minutes = (n: number) => new Date(T0 + n * 60_000)

let sandbox: Awaited<ReturnType<typeof startHaloSandbox>>
beforeAll(async () => {
  sandbox = await startHaloSandbox({ port: 0 })
})
afterAll(async () => {
  await sandbox.close()
})
beforeEach(() => {
  sandbox.sandbox.reset()
})

const worker = (configured = routes, withReceipts = false) => {
  let now = minutes(0)
  const made = sandboxDeliverDeps({
    url: sandbox.url,
    routes: configured,
    now: () => now,
  })
  const { store } = made
  // As deliver runs in AWS and in the gateway: a write's state stored by the next one's.
  const deps = withReceipts
    ? { ...made.deps, receipts: createHistoryReceipts(createMemoryDeliveryHistory()) }
    : made.deps
  return {
    store,
    at: (at: Date) => {
      now = at
    },
    deliver: (message: unknown) => deliverEvent(JSON.stringify(message), deps),
    ping: (at: Date) =>
      deliverEvent(
        JSON.stringify(
          envelopeFor(
            { key: 'backup-nas01', title: 'Nightly backup', severity: 'info' },
            {
              id: `ping-${at.getTime()}`,
              route: 'beats',
              source: 'heartbeat',
              type: 'heartbeat.ping',
              receivedAt: at.toISOString(),
            },
          ),
        ),
        deps,
      ),
    /** The timer the sweep queues for the record's due time, as it lists it at `at`. */
    timer: async (at: Date) => {
      const [due] = await store.listDue(at, 10, ['beats'])
      return due ? dueEnvelope(due, at) : undefined
    },
  }
}

describe('a heartbeat through deliverEvent and the sandbox', () => {
  it('opens a ticket when the heartbeat is missed and closes it on the next ping', async () => {
    const w = worker()
    const haloRequests = () => sandbox.sandbox.requests().length

    await w.ping(minutes(0))
    w.at(minutes(60))
    await w.ping(minutes(60))
    expect(haloRequests()).toBe(0)
    expect(await w.timer(minutes(129))).toBeUndefined()

    w.at(minutes(131))
    const timer = await w.timer(minutes(131))
    expect(timer?.due).toEqual({ key: 'backup-nas01', at: minutes(130).toISOString() })
    const missed = await w.deliver(timer)

    const [ticket] = sandbox.sandbox.tickets()
    expect(missed).toMatchObject({ outcome: 'delivered', action: 'heartbeatMissed' })
    expect(ticket).toMatchObject({
      summary: 'No heartbeat from Nightly backup since 2026-11-28 08:00 UTC',
      details: 'Last ping 2026-11-28T08:00:00.000Z',
      priority_id: 1,
      client_id: 12,
    })
    expect(await w.timer(minutes(200))).toBeUndefined()
    // The same timer delivered again (SQS at least once) opens nothing more.
    expect(await w.deliver(timer)).toMatchObject({ outcome: 'deduplicated' })

    w.at(minutes(240))
    const back = await w.ping(minutes(240))

    expect(back).toMatchObject({ action: 'heartbeatBack', ticketId: ticket?.id })
    expect(sandbox.sandbox.tickets()).toEqual([
      expect.objectContaining({ id: ticket?.id, status_id: 9 }),
    ])
    const stored = await w.store.get('beats', 'backup-nas01')
    expect(stored?.heartbeat).toEqual({
      lastPingAt: minutes(240).toISOString(),
      deadline: minutes(310).toISOString(),
      name: 'Nightly backup',
    })
  })

  it('stops watching a key whose missed ticket a technician closed in Halo, until it pings again', async () => {
    const w = worker()
    await w.ping(minutes(0))
    w.at(minutes(80))
    await w.deliver(await w.timer(minutes(80)))
    const [ticket] = sandbox.sandbox.tickets()

    // Halo's webhook: the technician closed the ticket (the key was retired).
    await w.deliver({
      v: 2,
      id: 'halo-close-1',
      route: 'beats',
      source: 'halo',
      type: 'halo.ticket.closed',
      receivedAt: minutes(90).toISOString(),
      ticketEvent: {
        ticketId: ticket?.id,
        implies: 'closed',
        statusId: 9,
        occurredAt: minutes(90).toISOString(),
      },
    })

    expect((await w.store.get('beats', 'backup-nas01'))?.state).toBe('closed')
    expect(await w.timer(minutes(10_000))).toBeUndefined()
    expect(sandbox.sandbox.tickets()).toHaveLength(1)
  })

  it('holds the due time of a timer that failed for good, so it is not queued and parked again, until the next ping', async () => {
    const w = worker(unroutable)
    await w.ping(minutes(0))
    w.at(minutes(80))
    const timer = await w.timer(minutes(80))

    await expect(w.deliver(timer)).rejects.toMatchObject({ code: 'unroutable' })

    expect((await w.store.get('beats', 'backup-nas01'))?.dueHeld).toBe(minutes(70).toISOString())
    expect(await w.timer(minutes(10_000))).toBeUndefined()
    // Replayed from the dead-letter queue (after the config was fixed, say), it is still decided.
    await expect(w.deliver(timer)).rejects.toMatchObject({ code: 'unroutable' })

    // A ping sets a new deadline, which is listed when it comes.
    w.at(minutes(100))
    await w.ping(minutes(100))
    expect(await w.timer(minutes(169))).toBeUndefined()
    expect((await w.timer(minutes(171)))?.due.at).toBe(minutes(170).toISOString())
  })

  it('holds the due time of a failed timer when the last write is on record only by its receipt', async () => {
    // The route's config, changed later so that its ticket routes nowhere.
    const live = new Map(routes)
    const w = worker(live, true)
    await w.ping(minutes(0))
    w.at(minutes(80))
    await w.deliver(await w.timer(minutes(80)))
    w.at(minutes(90))
    await w.ping(minutes(90))
    // The close is stored as an intent with its receipt, to be settled by the next write.
    expect((await w.store.get('beats', 'backup-nas01'))?.pending).toBeDefined()

    // Silent again, and the missed ticket now routes nowhere: refused before any write.
    live.set('beats', unroutable.get('beats') as NonNullable<ReturnType<typeof routes.get>>)
    w.at(minutes(170))
    const timer = await w.timer(minutes(170))
    await expect(w.deliver(timer)).rejects.toMatchObject({ code: 'unroutable' })

    const held = await w.store.get('beats', 'backup-nas01')
    expect(held?.dueHeld).toBe(minutes(160).toISOString())
    expect(held?.pending).toBeUndefined()
    expect(held?.state).toBe('closed')
    expect(await w.timer(minutes(10_000))).toBeUndefined()
  })
})
