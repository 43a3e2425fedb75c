import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { deliverEvent } from '../../../functions/deliver/deliver-event.js'
import { startHaloSandbox } from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { dueAtOf } from '../../../shared/lifecycle/due.js'
import { dueEnvelope } from '../../../shared/timers/due-envelope.js'
import { envelopeFor } from '../../support/envelopes.js'
import { sandboxDeliverDeps } from '../../support/sandbox-deliver-deps.js'

const route = (fields: object) => ({
  source: 'generic',
  auth: { type: 'bearer' },
  alert: { key: '{% payload.id %}', title: '{% payload.t %}' },
  ticket: { client_id: 12, priority_id: '{% alert.inBusinessHours ? 3 : 1 %}' },
  ...fields,
})

const { routes } = compileConfig({
  routes: {
    hours: route({
      businessHours: {
        timezone: 'America/New_York',
        weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:00' }],
        outOfHours: 'defer',
      },
    }),
    quiet: route({ lifecycle: { resolveAfterQuietMinutes: 10 } }),
    flapping: route({
      noise: { flapping: { changes: 4, withinMinutes: 30, quietMinutes: 30 } },
      lifecycle: { afterClosed: 'reopen' },
    }),
  },
})

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

/** A worker whose clock the test moves. */
const worker = () => {
  let now = new Date(0)
  const { deps, store } = sandboxDeliverDeps({ url: sandbox.url, routes, now: () => now })
  let sent = 0
  return {
    store,
    at(instant: string) {
      now = new Date(instant)
    },
    /** An alert of `routeName`'s problem `key`, received now. */
    alert: (routeName: string, key: string, status: 'firing' | 'resolved', severity = 'medium') =>
      deliverEvent(
        JSON.stringify(
          envelopeFor(
            { key, status, severity: severity as 'medium', title: `Disk full on ${key}` },
            { id: `e${sent++}`, route: routeName, receivedAt: now.toISOString() },
          ),
        ),
        deps,
      ),
    /** The timer the due sweep would queue now for the problem, at its due time. */
    async timer(routeName: string, key: string) {
      const record = await store.get(routeName, key)
      const dueAt = record && dueAtOf(record)
      if (!dueAt) throw new Error(`${routeName}/${key} is not due`)
      const timer = dueEnvelope({ route: routeName, key, dueAt }, now)
      return { timer, deliver: () => deliverEvent(JSON.stringify(timer), deps) }
    },
  }
}

const notesOf = (ticketId: number) =>
  sandbox.sandbox.actions(ticketId).map((action) => String(action.note).split('\n')[0] ?? '')

describe('deliverEvent with business hours, quiet resolves and flapping', () => {
  it('holds a non-urgent ticket out of hours and its timer creates it at the opening, once', async () => {
    const w = worker()
    // Friday 12 March 2027, 18:00 EST; New York moves to EDT on Sunday: Monday 09:00 is 13:00 UTC.
    w.at('2027-03-12T23:00:00.000Z')
    expect(await w.alert('hours', 'disk-db01', 'firing')).toMatchObject({
      outcome: 'recorded',
      action: 'defer',
      reason: 'out of business hours: the ticket is created at 2027-03-15T13:00:00.000Z',
    })
    expect(sandbox.sandbox.tickets()).toEqual([])
    // An urgent one goes through at once, with the out-of-hours priority.
    expect(await w.alert('hours', 'db-down', 'firing', 'critical')).toMatchObject({
      action: 'create',
    })
    expect(sandbox.sandbox.tickets()).toMatchObject([
      { summary: 'Disk full on db-down', priority_id: 1 },
    ])

    w.at('2027-03-15T13:00:00.000Z')
    const { timer, deliver } = await w.timer('hours', 'disk-db01')
    expect(timer.due.at).toBe('2027-03-15T13:00:00.000Z')
    const created = await deliver()
    expect(created).toMatchObject({ outcome: 'delivered', action: 'create' })
    const ticket = sandbox.sandbox.tickets().find((t) => t.id === created.ticketId)
    expect(ticket).toMatchObject({
      summary: 'Disk full on disk-db01',
      client_id: 12,
      priority_id: 3,
      third_party_id_string: 'hh:hours:disk-db01',
    })
    expect(await deliver()).toMatchObject({ outcome: 'deduplicated' })
    expect(sandbox.sandbox.tickets()).toHaveLength(2)
    expect(await w.store.get('hours', 'disk-db01')).toMatchObject({
      state: 'open',
      ticketId: created.ticketId,
    })
  })

  it('makes no ticket when the deferred problem resolves before the opening', async () => {
    const w = worker()
    w.at('2027-03-12T23:00:00.000Z')
    await w.alert('hours', 'disk-db01', 'firing')
    w.at('2027-03-13T10:00:00.000Z')
    expect(await w.alert('hours', 'disk-db01', 'resolved')).toMatchObject({
      outcome: 'recorded',
      reason: 'resolved before business hours: no ticket',
    })
    const record = await w.store.get('hours', 'disk-db01')
    expect(record && dueAtOf(record)).toBeUndefined()
    expect(sandbox.sandbox.tickets()).toEqual([])
    expect(sandbox.sandbox.requests()).toEqual([])
  })

  it("closes a quietly resolved problem's ticket by its timer", async () => {
    const w = worker()
    w.at('2027-01-05T10:00:00.000Z')
    const { ticketId } = await w.alert('quiet', 'disk-db01', 'firing')
    w.at('2027-01-05T10:05:00.000Z')
    expect(await w.alert('quiet', 'disk-db01', 'resolved')).toMatchObject({ outcome: 'recorded' })
    w.at('2027-01-05T10:15:00.000Z')
    const { deliver } = await w.timer('quiet', 'disk-db01')

    expect(await deliver()).toMatchObject({ outcome: 'delivered', action: 'settle', ticketId })
    expect(sandbox.sandbox.tickets()).toMatchObject([{ id: ticketId, status_id: 9 }])
    expect(notesOf(ticketId as number)).toEqual([
      'Resolved at the source, and no firing for 10 min since; closing.',
    ])
  })

  it('notes a flapping problem once and neither closes nor reopens it while it flaps', async () => {
    const w = worker()
    const start = Date.parse('2027-01-05T10:00:00.000Z')
    const outcomes = []
    for (let index = 0; index < 12; index += 1) {
      w.at(new Date(start + index * 120_000).toISOString())
      outcomes.push(
        (await w.alert('flapping', 'ping-fw01', index % 2 === 0 ? 'firing' : 'resolved')).action,
      )
    }

    expect(outcomes).toEqual([
      'create',
      'close',
      'reopen',
      'close',
      'flapping',
      ...Array(7).fill('record'),
    ])
    const [ticket] = sandbox.sandbox.tickets()
    expect(sandbox.sandbox.tickets()).toHaveLength(1)
    const flappingNotes = notesOf(ticket?.id as number).filter((note) =>
      note.startsWith('Flapping'),
    )
    expect(flappingNotes).toHaveLength(1)

    // The last change (a resolve at +22 min) held for 30 min: the timer closes it.
    w.at('2027-01-05T10:52:00.000Z')
    const { deliver } = await w.timer('flapping', 'ping-fw01')
    expect(await deliver()).toMatchObject({ action: 'settle' })
    expect(sandbox.sandbox.tickets()).toMatchObject([{ status_id: 9 }])
  })
})
