import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { deliverEvent } from '../../../functions/deliver/deliver-event.js'
import { startHaloSandbox } from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { createHaloClient } from '../../../shared/halo/halo-client.js'
import { createHaloDirectory } from '../../../shared/halo/halo-directory.js'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { silentLogger } from '../../../shared/observability.js'
import { envelopeFor } from '../../support/envelopes.js'

// Exactly-once under interruption, against the sandbox over HTTP: each test interrupts a write
// (Halo fails before or after committing it) and checks what the next attempt leaves in Halo.

const generic = (lifecycle: object = {}) => ({
  source: 'generic',
  auth: { type: 'bearer' },
  alert: { key: '{% payload.id %}', title: '{% payload.t %}' },
  ticket: { client_id: 12 },
  lifecycle,
})

const { routes } = compileConfig({
  routes: {
    alpha: generic(),
    beta: generic(),
    reopening: generic({ afterClosed: 'reopen', reopenWithinMinutes: 60 }),
  },
})

let sandbox: Awaited<ReturnType<typeof startHaloSandbox>>
beforeAll(async () => {
  sandbox = await startHaloSandbox({ port: 0 })
})
afterAll(async () => {
  sandbox.sandbox.releaseHangs()
  await sandbox.close()
})
beforeEach(() => sandbox.sandbox.reset())

const START = Date.parse('2026-11-28T07:00:00Z')

/** A worker with its own clock, which the test moves on. */
const worker = () => {
  const clock = { ms: START }
  const halo = createHaloClient({
    baseUrl: sandbox.url,
    clientId: 'halo-hooks-local',
    clientSecret: 'local-sandbox-secret',
    maxAttempts: 1,
    timeoutMs: 2_000,
  })
  const store = createMemoryCorrelationStore()
  const deps = {
    routes,
    halo,
    directory: createHaloDirectory(halo, { ttlMs: 60_000 }),
    store,
    logger: silentLogger,
    now: () => new Date(clock.ms),
  }
  return {
    store,
    clock,
    deliver: (envelope: ReturnType<typeof envelopeFor>) =>
      deliverEvent(JSON.stringify(envelope), deps),
  }
}

const minutes = (count: number) => count * 60_000
const event = (route: string, status: 'firing' | 'resolved', at: number) =>
  envelopeFor({ key: 'db01-disk', status, occurredAt: new Date(at).toISOString() }, { route })

/** A ticket opened by a firing and closed by its resolve a minute later. */
const openedAndClosed = async (
  deliver: ReturnType<typeof worker>['deliver'],
  clock: ReturnType<typeof worker>['clock'],
) => {
  await deliver(event('reopening', 'firing', START))
  clock.ms = START + minutes(1)
  await deliver(event('reopening', 'resolved', clock.ms))
  return sandbox.sandbox.tickets()[0]
}

describe('exactly-once delivery under interruption', () => {
  it('never adopts the ticket of another route that emits the same key', async () => {
    const { store, deliver } = worker()
    await deliver(event('alpha', 'firing', START))
    const alphaTicket = (await store.get('alpha', 'db01-disk'))?.ticketId
    // beta's create is refused with a 503 before Halo does anything: ambiguous to us.
    sandbox.sandbox.setFaults({ next: [{ status: 503, match: 'post /api/tickets' }] })
    const beta = event('beta', 'firing', START)
    await expect(deliver(beta)).rejects.toThrow()

    await deliver(beta)

    const betaTicket = (await store.get('beta', 'db01-disk'))?.ticketId
    expect(betaTicket).toBeDefined()
    expect(betaTicket).not.toBe(alphaTicket)
    expect(sandbox.sandbox.tickets()).toHaveLength(2)
  })

  it('writes a route-scoped identity to Halo, so each route finds only its own ticket', async () => {
    const { deliver } = worker()
    await deliver(event('alpha', 'firing', START))
    await deliver(event('beta', 'firing', START))
    const identities = sandbox.sandbox
      .tickets()
      .map((ticket) => (ticket as { third_party_id_string?: string }).third_party_id_string)
    expect(identities.sort()).toEqual(['hh:alpha:db01-disk', 'hh:beta:db01-disk'])
  })

  it('records a write Halo made even when the clock now decides otherwise, and makes no second ticket', async () => {
    const { store, clock, deliver } = worker()
    const ticket = await openedAndClosed(deliver, clock)

    // 59 minutes after the close, inside the reopen window: a reopen, which Halo commits but
    // whose answer is lost.
    clock.ms = START + minutes(60)
    const refire = event('reopening', 'firing', clock.ms)
    sandbox.sandbox.setFaults({ next: [{ drop: 'reset', match: 'post /api/actions' }] })
    await expect(deliver(refire)).rejects.toThrow()

    // The retry comes after the window: deciding again would now say "new ticket".
    clock.ms = START + minutes(63)
    await deliver(refire)

    const tickets = sandbox.sandbox.tickets()
    expect(tickets).toHaveLength(1)
    expect(await store.get('reopening', 'db01-disk')).toMatchObject({
      state: 'open',
      ticketId: ticket?.id,
    })
    const reopens = sandbox.sandbox
      .actions(ticket?.id as number)
      .filter((action) => String(action.note).includes('reopening'))
    expect(reopens).toHaveLength(1)
  })

  it('makes exactly the intended write when it did not reach Halo, without deciding again', async () => {
    const { store, clock, deliver } = worker()
    const ticket = await openedAndClosed(deliver, clock)

    clock.ms = START + minutes(60)
    const refire = event('reopening', 'firing', clock.ms)
    sandbox.sandbox.setFaults({ next: [{ status: 502, match: 'post /api/actions' }] })
    await expect(deliver(refire)).rejects.toThrow()

    clock.ms = START + minutes(63)
    await deliver(refire)

    expect(sandbox.sandbox.tickets()).toHaveLength(1)
    expect(await store.get('reopening', 'db01-disk')).toMatchObject({
      state: 'open',
      ticketId: ticket?.id,
    })
  })

  it('asks Halo nothing before retrying a write Halo refused with 429', async () => {
    const { deliver } = worker()
    sandbox.sandbox.setFaults({ next: [{ status: 429, match: 'post /api/tickets' }] })
    const firing = event('alpha', 'firing', START)
    await expect(deliver(firing)).rejects.toThrow()
    const before = sandbox.sandbox.requests().length

    await deliver(firing)

    const after = sandbox.sandbox.requests().slice(before)
    expect(after.map(({ method, path }) => `${method} ${path}`)).toEqual(['POST post /api/tickets'])
    expect(sandbox.sandbox.tickets()).toHaveLength(1)
  })

  it('drops an intent Halo refuses for good, so the next alert is planned afresh', async () => {
    const { store, deliver } = worker()
    sandbox.sandbox.setFaults({ next: [{ status: 400, match: 'post /api/tickets' }] })
    await expect(deliver(event('alpha', 'firing', START))).rejects.toThrow()
    expect((await store.get('alpha', 'db01-disk'))?.pending).toBeUndefined()

    await deliver(event('alpha', 'firing', START + minutes(1)))
    expect(sandbox.sandbox.tickets()).toHaveLength(1)
  })
})
