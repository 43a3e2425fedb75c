import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { deliverEvent } from '../../../functions/deliver/deliver-event.js'
import { startHaloSandbox } from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import type { DeliveryOutcome } from '../../../shared/delivery/deliver-envelope.js'
import { classifyFailure } from '../../../shared/delivery/failure-policy.js'
import { createMemoryDeliveryHistory } from '../../../shared/delivery/memory-delivery-history.js'
import {
  createHistoryReceipts,
  settledCorrelationStore,
} from '../../../shared/delivery/write-receipts.js'
import { StateStoreError } from '../../../shared/errors.js'
import { createHaloClient } from '../../../shared/halo/halo-client.js'
import { createHaloDirectory } from '../../../shared/halo/halo-directory.js'
import { createMemoryRateBudget } from '../../../shared/halo/memory-rate-budget.js'
import type { CorrelationStore } from '../../../shared/lifecycle/correlation-store.js'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { silentLogger } from '../../../shared/observability.js'
import { createResolveAtSource } from '../../../shared/outbound/resolve-at-source.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'
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

/**
 * A worker with its own clock, which the test moves on; `fetch` and `store` can be wrapped to
 * inject faults the sandbox cannot (an unreadable 2xx, a worker dying before a save).
 */
const worker = (
  faults: {
    fetch?: (inner: typeof fetch) => typeof fetch
    store?: (inner: CorrelationStore) => CorrelationStore
  } = {},
) => {
  const clock = { ms: START }
  const halo = createHaloClient({
    baseUrl: sandbox.url,
    clientId: 'halo-hooks-local',
    clientSecret: 'local-sandbox-secret',
    maxAttempts: 1,
    timeoutMs: 2_000,
    // A short window, so the pause after a 429 is short too.
    budget: createMemoryRateBudget({ limit: 100, windowMs: 10_000 }),
    ...(faults.fetch ? { fetch: faults.fetch(globalThis.fetch) } : {}),
  })
  const store = createMemoryCorrelationStore()
  const deps = {
    routes,
    halo,
    directory: createHaloDirectory(halo, { ttlMs: 60_000 }),
    store: faults.store ? faults.store(store) : store,
    logger: silentLogger,
    // No route here resolves at its source.
    resolveAtSource: createResolveAtSource({ secrets: createMemorySecretStore({ routes: {} }) }),
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

  it('asks Halo first when a write refused with 429 is sent again and its answer is lost', async () => {
    const { deliver } = worker()
    sandbox.sandbox.setFaults({
      next: [
        { status: 429, match: 'post /api/tickets' }, // refused: nothing written
        { drop: 'reset', match: 'post /api/tickets' }, // written, answer lost
      ],
    })
    const firing = event('alpha', 'firing', START)
    await expect(deliver(firing)).rejects.toThrow()
    await expect(deliver(firing)).rejects.toThrow()

    await deliver(firing)

    expect(sandbox.sandbox.tickets()).toHaveLength(1)
  })

  it('asks Halo first when a write refused with 429 is sent again and the worker dies before saving', async () => {
    let dieBeforeNextSave = false
    const { deliver } = worker({
      store: (inner) => ({
        get: inner.get,
        findByTicket: inner.findByTicket,
        listOpenTickets: inner.listOpenTickets,
        listDue: inner.listDue,
        async put(record, version) {
          if (dieBeforeNextSave && !record.pending) {
            dieBeforeNextSave = false
            throw new StateStoreError('worker died before saving the result')
          }
          return inner.put(record, version)
        },
      }),
    })
    sandbox.sandbox.setFaults({ next: [{ status: 429, match: 'post /api/tickets' }] })
    const firing = event('alpha', 'firing', START)
    await expect(deliver(firing)).rejects.toThrow()
    dieBeforeNextSave = true
    await expect(deliver(firing)).rejects.toThrow()

    await deliver(firing)

    expect(sandbox.sandbox.tickets()).toHaveLength(1)
  })

  it("never plans past another envelope's write that may be in Halo (an unreadable 2xx)", async () => {
    let garbleNextCreate = false
    const { store, deliver } = worker({
      fetch: (inner) => async (input, init) => {
        const response = await inner(input, init)
        if (garbleNextCreate && init?.method === 'POST' && String(input).endsWith('/api/Tickets')) {
          garbleNextCreate = false
          await response.text()
          return new Response('<html>OK</html>', { status: 200 }) // committed, unreadable
        }
        return response
      },
    })
    // A's create fails ambiguously; A's message then leaves the queue with its intent stored.
    sandbox.sandbox.setFaults({ next: [{ status: 503, match: 'post /api/tickets' }] })
    await expect(deliver(event('alpha', 'firing', START))).rejects.toThrow()
    // B recovers A's create: Halo commits it and answers with a body that cannot be read.
    garbleNextCreate = true
    const b = event('alpha', 'firing', START + minutes(1))
    const failure = await deliver(b).catch((error: unknown) => error)
    expect(classifyFailure(failure, 1).action).toBe('defer')

    await deliver(b) // the retry finds A's ticket, records it, then notes B on it

    expect(sandbox.sandbox.tickets()).toHaveLength(1)
    expect((await store.get('alpha', 'db01-disk'))?.pending).toBeUndefined()
  })

  it('defers the envelopes behind an intent it cannot check, instead of parking them', async () => {
    let failLookups = false
    const { store, deliver } = worker({
      fetch: (inner) => async (input, init) => {
        if (failLookups && init?.method !== 'POST' && String(input).includes('/api/Tickets?')) {
          return new Response('<html>maintenance</html>', { status: 200 })
        }
        return inner(input, init)
      },
    })
    sandbox.sandbox.setFaults({ next: [{ status: 503, match: 'post /api/tickets' }] })
    await expect(deliver(event('alpha', 'firing', START))).rejects.toThrow()
    failLookups = true

    for (const later of [1, 2, 3]) {
      const failure = await deliver(event('alpha', 'firing', START + minutes(later))).catch(
        (error: unknown) => error,
      )
      expect(classifyFailure(failure, 1).action).toBe('defer')
    }
    failLookups = false
    await deliver(event('alpha', 'firing', START + minutes(4)))
    expect(sandbox.sandbox.tickets()).toHaveLength(1)
    expect((await store.get('alpha', 'db01-disk'))?.pending).toBeUndefined()
  })

  it('finds a created ticket that was closed before the interrupted create was checked', async () => {
    const { store, clock, deliver } = worker()
    sandbox.sandbox.setFaults({ next: [{ drop: 'reset', match: 'post /api/tickets' }] })
    const firing = event('alpha', 'firing', START)
    await expect(deliver(firing)).rejects.toThrow()
    const [created] = sandbox.sandbox.tickets()
    await closeInHalo(created?.id as number)

    clock.ms = START + minutes(1)
    await deliver(firing)

    expect(sandbox.sandbox.tickets()).toHaveLength(1)
    expect((await store.get('alpha', 'db01-disk'))?.ticketId).toBe(created?.id)
  })
})

describe('exactly-once delivery with write receipts (one store write per event)', () => {
  /**
   * A worker whose made writes are on record in a delivery history shared with the others (as
   * every Lambda instance shares the state table), and whose store writes are counted. `record`
   * false plays a worker that died after its Halo call, before its outcome was recorded.
   */
  const shared = () => {
    const store = createMemoryCorrelationStore()
    const history = createMemoryDeliveryHistory()
    let puts = 0
    const counted: CorrelationStore = {
      get: (route, key) => store.get(route, key),
      put: (record, version) => {
        puts += 1
        return store.put(record, version)
      },
      findByTicket: (ticketId) => store.findByTicket(ticketId),
      listOpenTickets: (limit, after) => store.listOpenTickets(limit, after),
      listDue: (now, limit, routes) => store.listDue(now, limit, routes),
    }
    const clock = { ms: START }
    const worker = (options: { fetch?: (inner: typeof fetch) => typeof fetch } = {}) => {
      const halo = createHaloClient({
        baseUrl: sandbox.url,
        clientId: 'halo-hooks-local',
        clientSecret: 'local-sandbox-secret',
        maxAttempts: 1,
        timeoutMs: 2_000,
        budget: createMemoryRateBudget({ limit: 100, windowMs: 10_000 }),
        ...(options.fetch ? { fetch: options.fetch(globalThis.fetch) } : {}),
      })
      const receipts = createHistoryReceipts(history)
      const deps = {
        routes,
        halo,
        directory: createHaloDirectory(halo, { ttlMs: 60_000 }),
        store: counted,
        receipts,
        logger: silentLogger,
        now: () => new Date(clock.ms),
        resolveAtSource: createResolveAtSource({
          secrets: createMemorySecretStore({ routes: {} }),
        }),
      }
      return async (envelope: ReturnType<typeof envelopeFor>, record = true) => {
        const outcome: DeliveryOutcome = await deliverEvent(JSON.stringify(envelope), deps)
        if (record) {
          await history.record({
            envelopeId: outcome.envelopeId,
            outcome: outcome.outcome,
            at: new Date(clock.ms).toISOString(),
            ticketId: outcome.ticketId,
            receiveCount: 1,
          })
        }
        return outcome
      }
    }
    return {
      worker,
      clock,
      history,
      puts: () => puts,
      /** The state as the next delivery will start from it. */
      settled: settledCorrelationStore(store, createHistoryReceipts(history)),
      raw: store,
    }
  }
  const halo = () =>
    sandbox.sandbox
      .requests()
      .filter(({ path }) => !path.includes('/auth/') && !path.includes('authinfo'))
      .map(({ path }) => path.replace(/\?.*$/, ''))

  it('writes the store once per event (twice for the one that opens the ticket), and asks Halo nothing it need not, over a problem’s life', async () => {
    const { worker, clock, puts, settled } = shared()
    const deliver = worker()

    await deliver(event('alpha', 'firing', START))
    clock.ms = START + minutes(1)
    await deliver(event('alpha', 'firing', clock.ms))
    clock.ms = START + minutes(2)
    await deliver(event('alpha', 'resolved', clock.ms))

    // The create stores its ticket at once (the problem is found by it); the note and the close
    // leave their state to their receipts.
    expect(puts()).toBe(4)
    expect(halo()).toEqual(['post /api/tickets', 'post /api/actions', 'post /api/actions'])
    const [ticket] = sandbox.sandbox.tickets()
    expect(await settled.get('alpha', 'db01-disk')).toMatchObject({
      state: 'closed',
      ticketId: ticket?.id,
    })
  })

  it('settles the last write from its receipt when another worker delivers next', async () => {
    const { worker, clock } = shared()
    await worker()(event('alpha', 'firing', START))
    const before = halo().length

    clock.ms = START + minutes(1)
    const noted = await worker()(event('alpha', 'firing', clock.ms))

    expect(noted).toMatchObject({ outcome: 'delivered', action: 'note' })
    expect(halo().slice(before)).toEqual(['post /api/actions'])
    expect(sandbox.sandbox.tickets()).toHaveLength(1)
  })

  it('asks Halo, and makes no second note, when the worker died before recording the outcome', async () => {
    const { worker, clock } = shared()
    await worker()(event('alpha', 'firing', START))
    clock.ms = START + minutes(1)
    const repeat = event('alpha', 'firing', clock.ms)
    await worker()(repeat, false) // the note is made, its receipt never recorded
    const before = halo().length

    // The same message again (its worker died, so SQS hands it out again), to a new worker.
    clock.ms = START + minutes(2)
    const again = await worker()(repeat)

    expect(again).toMatchObject({ outcome: 'deduplicated' })
    const asked = halo().slice(before)
    expect(asked.some((request) => request.startsWith('get '))).toBe(true) // the lookup found it
    expect(asked).not.toContain('post /api/actions')
    expect(sandbox.sandbox.tickets()).toHaveLength(1)
  })

  it('does nothing in Halo for a redelivered envelope whose write is on record, nor after it', async () => {
    const { worker, clock } = shared()
    const firing = event('alpha', 'firing', START)
    await worker()(firing)
    const before = halo().length

    const again = await worker()(firing)

    expect(again).toMatchObject({
      outcome: 'deduplicated',
      ticketId: sandbox.sandbox.tickets()[0]?.id,
    })
    expect(halo().slice(before)).toEqual([])

    // The redelivery's outcome replaced the receipt in the history; it still settles the write.
    clock.ms = START + minutes(1)
    await worker()(event('alpha', 'firing', clock.ms))
    expect(halo().slice(before)).toEqual(['post /api/actions'])
  })

  it('still recovers an ambiguous write by asking Halo (no receipt is written for it)', async () => {
    const { worker, clock, settled } = shared()
    sandbox.sandbox.setFaults({ next: [{ drop: 'reset', match: 'post /api/tickets' }] })
    const firing = event('alpha', 'firing', START)
    await expect(worker()(firing)).rejects.toThrow()

    clock.ms = START + minutes(1)
    await worker()(firing)

    const [ticket] = sandbox.sandbox.tickets()
    expect(sandbox.sandbox.tickets()).toHaveLength(1)
    expect(await settled.get('alpha', 'db01-disk')).toMatchObject({
      state: 'open',
      ticketId: ticket?.id,
    })
  })
})

/** Closes a ticket as a technician would, through the sandbox's API. */
const closeInHalo = async (ticketId: number) => {
  const token = (await (
    await fetch(`${sandbox.url}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'halo-hooks-local',
        client_secret: 'local-sandbox-secret',
        scope: 'all',
      }),
    })
  ).json()) as { access_token: string }
  const response = await fetch(`${sandbox.url}/api/Tickets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token.access_token}`, 'content-type': 'application/json' },
    body: JSON.stringify([{ id: ticketId, status_id: 9 }]),
  })
  if (!response.ok) throw new Error(`closing ticket ${ticketId}: ${response.status}`)
}
