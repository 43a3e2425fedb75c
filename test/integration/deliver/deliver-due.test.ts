import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { deliverEvent } from '../../../functions/deliver/deliver-event.js'
import config from '../../../halo-hooks.config.js'
import { startHaloSandbox } from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { createMemoryDeliveryHistory } from '../../../shared/delivery/memory-delivery-history.js'
import { previewDelivery } from '../../../shared/delivery/preview-delivery.js'
import { createHistoryReceipts } from '../../../shared/delivery/write-receipts.js'
import { StateStoreError } from '../../../shared/errors.js'
import { appliedMark, wasApplied } from '../../../shared/lifecycle/applied-ids.js'
import type {
  CorrelationRecord,
  CorrelationStore,
} from '../../../shared/lifecycle/correlation-store.js'
import { dueEnvelope } from '../../../shared/timers/due-envelope.js'
import { envelopeFor } from '../../support/envelopes.js'
import { sandboxDeliverDeps } from '../../support/sandbox-deliver-deps.js'

// No policy keeps a deadline yet (heartbeats, quiet periods, business hours and incidents add
// theirs to due.ts). This file stands one in to drive the timer's delivery: `lastNotedAt` is the
// deadline, and a problem whose deadline has come and that has no open ticket gets one (its
// create clears `lastNotedAt`). The alert it is made with is due.ts's own (`dueAlertOf`).
vi.mock('../../../shared/lifecycle/due.js', async (importOriginal) => {
  const due = await importOriginal<typeof import('../../../shared/lifecycle/due.js')>()
  const dueAtOf: typeof due.dueAtOf = (state) => state.lastNotedAt
  const decideDue: typeof due.decideDue = ({ record, now, envelopeId }) => {
    if (wasApplied(record, envelopeId)) return { kind: 'duplicate' }
    const at = dueAtOf(record)
    if (at === undefined || Date.parse(at) > now.getTime()) {
      return { kind: 'suppress', rule: 'nothing due' }
    }
    if (record.state === 'open') return { kind: 'suppress', rule: 'stand-in: already open' }
    return { kind: 'create', occurrences: 1, firstSeen: at }
  }
  // A policy that kept its ticket ready (rendered when its alert came) for the problem `kept-*`.
  const keptTicketOf: typeof due.keptTicketOf = (record) =>
    record.key.startsWith('kept-')
      ? { summary: `Kept: ${record.key}`, client_id: 13, tickettype_id: 21 }
      : undefined
  return { ...due, dueAtOf, decideDue, keptTicketOf }
})

const { routes } = compileConfig(config)
const ROUTE = 'example-hmac'
const NOW = new Date('2026-11-28T07:00:05.000Z')
let sandbox: Awaited<ReturnType<typeof startHaloSandbox>>
const logs: string[] = []

beforeAll(async () => {
  sandbox = await startHaloSandbox({ port: 0 })
})
afterAll(async () => {
  await sandbox.close()
})
beforeEach(() => {
  sandbox.sandbox.reset()
  logs.length = 0
})

const worker = (
  options: {
    store?: (inner: CorrelationStore) => CorrelationStore
    receipts?: boolean
    routes?: typeof routes
  } = {},
) => {
  const history = createMemoryDeliveryHistory()
  const made = sandboxDeliverDeps({
    url: sandbox.url,
    routes: options.routes ?? routes,
    now: () => NOW,
    log: (line) => logs.push(line),
  })
  const { store } = made
  const deps = {
    ...made.deps,
    store: options.store ? options.store(store) : store,
    ...(options.receipts ? { receipts: createHistoryReceipts(history) } : {}),
  }
  return { store, deliver: (message: unknown) => deliverEvent(JSON.stringify(message), deps) }
}

/** A problem's record as stored, with its (stand-in) deadline. */
const stored = (overrides: Partial<CorrelationRecord> = {}): CorrelationRecord => ({
  route: ROUTE,
  key: 'backup-nas01',
  state: 'resolved',
  occurrences: 0,
  firstSeen: '2026-11-28T06:00:00.000Z',
  lastSeen: '2026-11-28T06:00:00.000Z',
  lastNotedAt: '2026-11-28T07:00:00.000Z',
  applied: [],
  version: 0,
  ...overrides,
})

const timerFor = (record: CorrelationRecord, dueAt = record.lastNotedAt as string) =>
  dueEnvelope({ route: record.route, key: record.key, dueAt }, NOW)

describe('deliverEvent with a timer (v3)', () => {
  it("opens the ticket a due problem's policy decides, from the route's templates, once", async () => {
    const { store, deliver } = worker()
    const record = stored()
    await store.put(record, undefined)
    const timer = timerFor(record)

    const outcome = await deliver(timer)

    const [ticket] = sandbox.sandbox.tickets()
    expect(outcome).toEqual({
      outcome: 'delivered',
      envelopeId: timer.id,
      route: ROUTE,
      key: 'backup-nas01',
      action: 'create',
      ticketId: ticket?.id,
      routing: { clientId: 12, via: 'ticket template' },
    })
    expect(ticket).toMatchObject({
      summary: '[MEDIUM] backup-nas01',
      client_id: 12,
      third_party_id_string: 'hh:example-hmac:backup-nas01',
    })
    const after = await store.get(ROUTE, 'backup-nas01')
    expect(after).toMatchObject({
      state: 'open',
      ticketId: ticket?.id,
      applied: [appliedMark(timer.id)],
    })
    // Its deadline acted on, the problem is no longer due, and the same timer again is a repeat.
    expect(await store.listDue(NOW, 10, ['example-hmac'])).toEqual([])
    expect(await deliver(timer)).toMatchObject({ outcome: 'deduplicated', action: 'duplicate' })
    expect(sandbox.sandbox.tickets()).toHaveLength(1)
  })

  it("sets the end user of a timer's ticket as an alert's, from the alert the record keeps", async () => {
    const hmac = config.routes[ROUTE]
    const withContact = compileConfig({
      ...config,
      routes: {
        ...config.routes,
        [ROUTE]: { ...hmac, tenant: { contact: { email: '{% alert.labels.owner %}' } } },
      },
    }).routes
    const { store, deliver } = worker({ routes: withContact })
    const record = stored({
      alert: { title: 'Backup missed', labels: { owner: 'Priya.Shah@acme-dental.example' } },
    })
    await store.put(record, undefined)

    const outcome = await deliver(timerFor(record))

    expect(sandbox.sandbox.tickets()).toEqual([
      expect.objectContaining({ client_id: 12, site_id: 21, user_id: 101 }),
    ])
    expect(outcome).toMatchObject({
      action: 'create',
      routing: {
        contact: { userId: 101, via: 'Halo user by e-mail "Priya.Shah@acme-dental.example"' },
      },
    })
  })

  it('opens the ticket as a policy kept it ready, rendering no template and looking nothing up', async () => {
    const { store, deliver } = worker()
    const record = stored({ key: 'kept-backup' })
    await store.put(record, undefined)

    const outcome = await deliver(timerFor(record))

    const [ticket] = sandbox.sandbox.tickets()
    expect(outcome).toMatchObject({ outcome: 'delivered', action: 'create', ticketId: ticket?.id })
    expect(outcome).not.toHaveProperty('routing')
    expect(ticket).toMatchObject({ summary: 'Kept: kept-backup', client_id: 13 })
  })

  it('does nothing, and asks Halo nothing, for a problem with no record or no due time', async () => {
    const { store, deliver } = worker()
    const gone = stored({ key: 'never-stored' })
    const notDue = stored({ key: 'not-due', lastNotedAt: undefined })
    await store.put(notDue, undefined)

    for (const record of [gone, notDue]) {
      const outcome = await deliver(timerFor(record, '2026-11-28T07:00:00.000Z'))
      expect(outcome).toMatchObject({ outcome: 'suppressed', reason: 'nothing due' })
    }

    expect(sandbox.sandbox.requests()).toEqual([])
    expect(await store.get(ROUTE, 'not-due')).toEqual({ ...notDue, version: 1 })
    expect(await store.get(ROUTE, 'never-stored')).toBeUndefined()
  })

  it('does nothing when the deadline moved later since the sweep listed it', async () => {
    const { store, deliver } = worker()
    const record = stored({ lastNotedAt: '2026-11-28T08:00:00.000Z' })
    await store.put(record, undefined)

    const outcome = await deliver(timerFor(record, '2026-11-28T07:00:00.000Z'))

    expect(outcome).toMatchObject({ outcome: 'suppressed', reason: 'nothing due' })
    expect(sandbox.sandbox.tickets()).toEqual([])
    expect((await store.get(ROUTE, record.key))?.version).toBe(1)
  })

  it('finds its create in Halo after the worker died before saving it, and never makes a second', async () => {
    let dieOnSave = true
    const { store, deliver } = worker({
      store: (inner) => ({
        ...inner,
        async put(record, version) {
          if (dieOnSave && !record.pending && version !== undefined) {
            dieOnSave = false
            throw new StateStoreError('worker died before saving the result')
          }
          return inner.put(record, version)
        },
      }),
    })
    const record = stored()
    await store.put(record, undefined)
    const timer = timerFor(record)

    await expect(deliver(timer)).rejects.toThrow('worker died')
    const redelivered = await deliver(timer)

    const tickets = sandbox.sandbox.tickets()
    expect(tickets).toHaveLength(1)
    expect(redelivered).toMatchObject({ outcome: 'deduplicated', ticketId: tickets[0]?.id })
    expect(await store.get(ROUTE, record.key)).toMatchObject({
      state: 'open',
      ticketId: tickets[0]?.id,
    })
  })

  it("first finishes the write an alert's delivery left interrupted, then decides", async () => {
    const { store, deliver } = worker({ receipts: true })
    // The alert's create was stored as intended; the worker died before making it.
    const alert = envelopeFor({ key: 'backup-nas01', severity: 'critical', title: 'Backup failed' })
    const { version: _, ...before } = stored()
    await store.put(
      stored({
        pending: {
          envelopeId: alert.id,
          command: {
            kind: 'createTicket',
            ticket: { summary: 'Backup failed', client_id: 12, tickettype_id: 21 },
          },
          next: { ...before, state: 'open', applied: [alert.id], lastNotedAt: undefined },
          at: '2026-11-28T06:59:00.000Z',
          unsent: true,
        },
      }),
      undefined,
    )

    const outcome = await deliver(timerFor(stored()))

    // The alert's ticket was made exactly as intended; its state is no longer due.
    const tickets = sandbox.sandbox.tickets()
    expect(tickets).toHaveLength(1)
    expect(tickets[0]).toMatchObject({ summary: 'Backup failed' })
    expect(outcome).toMatchObject({ outcome: 'suppressed', reason: 'nothing due' })
    expect(await store.get(ROUTE, 'backup-nas01')).toMatchObject({
      state: 'open',
      ticketId: tickets[0]?.id,
    })
  })

  it('is foretold by the dry run of an alert: when its problem is due, before and after', async () => {
    const { store } = worker()
    await store.put(
      stored({ state: 'open', ticketId: 7, lastNotedAt: '2026-11-28T05:00:00.000Z' }),
      undefined,
    )
    const repeat = envelopeFor({ key: 'backup-nas01', occurredAt: NOW.toISOString() })

    const plan = await previewDelivery(repeat, routes.get(ROUTE) as never, {
      store,
      now: () => NOW,
    })

    expect(plan).toMatchObject({
      state: { state: 'open', ticketId: 7, dueAt: '2026-11-28T05:00:00.000Z' },
      decision: { kind: 'note' },
      // The stand-in's deadline is the last note's time: the note moves it to now.
      dueAtAfter: NOW.toISOString(),
    })
  })
})
