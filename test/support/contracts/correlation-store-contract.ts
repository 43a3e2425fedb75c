import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type {
  CorrelationRecord,
  CorrelationStore,
} from '../../../shared/lifecycle/correlation-store.js'
import type { DueTimeOf } from '../../../shared/lifecycle/due-problem.js'

/**
 * What the stores under the contract key their due index by (`dueAtOf` option). No policy keeps
 * a deadline in the state yet (heartbeats, quiet periods and business hours add theirs to
 * `dueAtOf`), so `lastNotedAt` stands for one here; the contract writes it nowhere else.
 */
export const standInDueAtOf: DueTimeOf = (state) => state.lastNotedAt

let lastTicketId = Math.floor(Math.random() * 1_000_000_000)
/** A ticket id no other test of this run uses (the store may be shared between tests). */
const uniqueTicketId = () => ++lastTicketId

export const correlationRecord = (
  overrides: Partial<CorrelationRecord> = {},
): CorrelationRecord => ({
  route: 'alerts',
  key: `disk-full ${randomUUID()}`,
  state: 'open',
  occurrences: 1,
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-01T00:00:00.000Z',
  applied: ['env-1'],
  version: 0,
  ...overrides,
})

/**
 * What every {@link CorrelationStore} adapter must do, run once per adapter: conditional writes
 * on the version read. `store` gives the store under test, its due index keyed by
 * {@link standInDueAtOf} (records are made with fresh keys, so one store may serve every test).
 */
export const correlationStoreContract = (store: () => CorrelationStore) => {
  describe('the correlation store contract', () => {
    it('returns undefined for a key never written', async () => {
      expect(await store().get('alerts', 'nothing-here')).toBeUndefined()
    })

    it('creates a record only when none exists, and reads it back with version 1', async () => {
      const first = correlationRecord({ ticketId: 42 })

      expect(await store().put(first, undefined)).toBe(true)
      expect(await store().put({ ...first, ticketId: 43 }, undefined)).toBe(false)

      expect(await store().get(first.route, first.key)).toEqual({ ...first, version: 1 })
    })

    it('updates only from the version it read, so one of two racing writers loses', async () => {
      const first = correlationRecord()
      await store().put(first, undefined)
      const read = await store().get(first.route, first.key)
      expect(read?.version).toBe(1)

      const results = await Promise.all([
        store().put({ ...first, occurrences: 2, ticketId: 7 }, 1),
        store().put({ ...first, occurrences: 2, ticketId: 8 }, 1),
      ])

      expect(results.filter(Boolean)).toHaveLength(1)
      const stored = await store().get(first.route, first.key)
      expect(stored?.version).toBe(2)
      expect([7, 8]).toContain(stored?.ticketId)
      expect(await store().put({ ...first, occurrences: 3 }, 1)).toBe(false)
      expect(await store().put({ ...first, occurrences: 3 }, 3)).toBe(false)
    })

    it('keeps routes apart even when keys collide', async () => {
      const key = `shared-${randomUUID()}`
      await store().put(correlationRecord({ route: 'a', key, ticketId: 1 }), undefined)
      await store().put(correlationRecord({ route: 'b', key, ticketId: 2 }), undefined)

      expect((await store().get('a', key))?.ticketId).toBe(1)
      expect((await store().get('b', key))?.ticketId).toBe(2)
    })

    it('keeps a pending write with its command and next state, and clears it on the next write', async () => {
      const first = correlationRecord({ state: 'pending', applied: [] })
      const { version: _, ...state } = first
      const next = { ...state, state: 'open' as const, applied: ['env-1'] }
      const pending = {
        envelopeId: 'env-1',
        command: {
          kind: 'createTicket' as const,
          ticket: { summary: 'Disk full', tickettype_id: 21, third_party_id_string: 'hh:a:b' },
        },
        next,
        at: '2026-01-01T00:00:01.000Z',
      }
      await store().put({ ...first, pending }, undefined)
      const read = await store().get(first.route, first.key)
      expect(read?.pending).toEqual(pending)

      await store().put({ ...next, ticketId: 5, version: 1 }, 1)
      const done = await store().get(first.route, first.key)
      expect(done).toEqual({ ...next, ticketId: 5, version: 2 })
      expect(done).not.toHaveProperty('pending')
    })

    it('keeps the alert and the duty to tell its source, found again by the ticket', async () => {
      const ticketId = uniqueTicketId()
      const record = correlationRecord({
        ticketId,
        state: 'closed',
        alert: { title: 'Disk full', labels: { alertname: 'DiskFull', 'team.name': 'ops' } },
        sourceResolve: {
          changeId: 'halo-env-1',
          event: 'closed',
          ticketId,
          at: '2026-01-01T00:05:00.000Z',
        },
      })
      await store().put(record, undefined)
      const told = {
        ...record,
        sourceResolve: {
          ...(record.sourceResolve as NonNullable<CorrelationRecord['sourceResolve']>),
          toldAt: '2026-01-01T00:05:01.000Z',
          outcome: 'silenced',
          reference: 'silence-1',
        },
      }
      await store().put(told, 1)

      expect(await store().findByTicket(ticketId)).toEqual({ ...told, version: 2 })
    })

    it('keeps an incident’s members, its members to list and its note’s due time', async () => {
      const record = correlationRecord({
        key: `incident:site ${randomUUID()}`,
        ticketId: uniqueTicketId(),
        incident: {
          group: 'Acme/HQ',
          members: {
            'host 1.acme:9100': { status: 'firing', since: '2026-01-01T00:00:00.000Z' },
            'host#2': { status: 'resolved', since: '2026-01-01T00:01:00.000Z' },
          },
          untracked: 3,
          joined: [{ key: 'host#2', title: 'host 2 unreachable' }],
          joinedMore: 1,
          notedAt: '2026-01-01T00:00:00.000Z',
          noteDueAt: '2026-01-01T00:05:00.000Z',
        },
      })
      await store().put(record, undefined)

      expect(await store().get(record.route, record.key)).toEqual({ ...record, version: 1 })
    })

    it('finds the record that holds a ticket by the ticket id, as last written', async () => {
      const ticketId = uniqueTicketId()
      const first = correlationRecord({ ticketId })
      await store().put(first, undefined)

      expect(await store().findByTicket(ticketId)).toEqual({ ...first, version: 1 })

      await store().put({ ...first, state: 'closed', version: 1 }, 1)
      expect(await store().findByTicket(ticketId)).toMatchObject({ state: 'closed', version: 2 })
    })

    it('finds nothing for a ticket no record holds', async () => {
      expect(await store().findByTicket(uniqueTicketId())).toBeUndefined()
    })

    it('finds only the new ticket once a record moved on from the old one', async () => {
      const [old, next] = [uniqueTicketId(), uniqueTicketId()]
      const first = correlationRecord({ ticketId: old })
      await store().put(first, undefined)
      await store().put({ ...first, ticketId: next, version: 1 }, 1)

      expect(await store().findByTicket(old)).toBeUndefined()
      expect((await store().findByTicket(next))?.key).toBe(first.key)
    })

    it('leaves the index as it was when a write loses its version check', async () => {
      const [held, lost] = [uniqueTicketId(), uniqueTicketId()]
      const first = correlationRecord({ ticketId: held })
      await store().put(first, undefined)

      expect(await store().put({ ...first, ticketId: lost, version: 5 }, 5)).toBe(false)

      expect(await store().findByTicket(lost)).toBeUndefined()
      expect((await store().findByTicket(held))?.key).toBe(first.key)
    })

    it('lists open tickets only, least recently heard from Halo first (never: since first seen)', async () => {
      // Times before anything else the contract writes, so these come first in a shared store.
      const at = (second: number) => `1970-01-01T00:00:0${second}.000Z`
      const tag = randomUUID()
      const record = (name: string, overrides: Partial<CorrelationRecord>) =>
        correlationRecord({ key: `${name} ${tag}`, ticketId: uniqueTicketId(), ...overrides })
      const checkedLater = record('b', { haloEventAt: at(3) })
      const tiedByKey = record('a', { haloEventAt: at(3) })
      // A delivery's own check does not move a ticket in the sweep's line; Halo's word does.
      const neverChecked = record('c', { firstSeen: at(1), checkedAt: at(4) })
      const closed = record('d', { state: 'closed', haloEventAt: at(0) })
      const noTicket = record('e', { state: 'pending', ticketId: undefined, firstSeen: at(0) })
      for (const each of [checkedLater, tiedByKey, neverChecked, closed, noTicket]) {
        await store().put(each, undefined)
      }
      const listed = (limit: number) =>
        store()
          .listOpenTickets(limit)
          .then((open) => open.map(({ key }) => key))

      expect(await store().listOpenTickets(3)).toEqual([
        {
          route: 'alerts',
          key: neverChecked.key,
          ticketId: neverChecked.ticketId,
          checkedAt: at(1),
        },
        { route: 'alerts', key: tiedByKey.key, ticketId: tiedByKey.ticketId, checkedAt: at(3) },
        {
          route: 'alerts',
          key: checkedLater.key,
          ticketId: checkedLater.ticketId,
          checkedAt: at(3),
        },
      ])
      expect(await listed(1)).toEqual([neverChecked.key])
      // From where a sweep stopped: those after it in the same order, the tie broken by key.
      const [first, second] = await store().listOpenTickets(2)
      expect((await store().listOpenTickets(2, first)).map(({ key }) => key)).toEqual([
        tiedByKey.key,
        checkedLater.key,
      ])
      expect((await store().listOpenTickets(1, second)).map(({ key }) => key)).toEqual([
        checkedLater.key,
      ])

      // Heard from Halo again, it goes behind the others; closed, it leaves the list.
      await store().put({ ...neverChecked, haloEventAt: at(5), version: 1 }, 1)
      await store().put({ ...tiedByKey, state: 'closed', version: 1 }, 1)

      expect(await listed(2)).toEqual([checkedLater.key, neverChecked.key])
      const all = await listed(10_000)
      for (const gone of [tiedByKey, closed, noTicket]) expect(all).not.toContain(gone.key)
    })

    it('lists due problems only, longest overdue first, up to now and the limit', async () => {
      // Times before anything else the contract writes, so these come first in a shared store.
      const at = (second: number) => `1970-01-01T00:01:0${second}.000Z`
      const tag = randomUUID()
      const record = (name: string, lastNotedAt: string | undefined) =>
        correlationRecord({ key: `${name} ${tag}`, lastNotedAt })
      const later = record('b', at(3))
      const tiedByKey = record('a', at(3))
      const first = correlationRecord({
        route: 'zz-last-route',
        key: `c ${tag}`,
        lastNotedAt: at(1),
      })
      const notYet = record('d', at(8))
      const never = record('e', undefined)
      for (const each of [later, tiedByKey, first, notYet, never]) {
        await store().put(each, undefined)
      }
      const listed = (now: string, limit = 10_000) =>
        store()
          .listDue(new Date(now), limit, ['alerts', 'zz-last-route'])
          .then((due) => due.filter(({ key }) => key.endsWith(tag)))

      expect(await store().listDue(new Date(at(5)), 3, ['alerts', 'zz-last-route'])).toEqual([
        { route: 'zz-last-route', key: first.key, dueAt: at(1) },
        { route: 'alerts', key: tiedByKey.key, dueAt: at(3) },
        { route: 'alerts', key: later.key, dueAt: at(3) },
      ])
      // Due at exactly now counts; a moment before, it is not due yet.
      expect((await listed(at(3))).map(({ key }) => key)).toEqual([
        first.key,
        tiedByKey.key,
        later.key,
      ])
      expect((await listed('1970-01-01T00:01:02.999Z')).map(({ key }) => key)).toEqual([first.key])
      expect(await store().listDue(new Date(at(5)), 0, ['alerts', 'zz-last-route'])).toEqual([])
      // Only the routes asked for: a route's problems are listed with it or not at all.
      expect(
        (await store().listDue(new Date(at(5)), 10_000, ['alerts'])).map(({ key }) => key),
      ).not.toContain(first.key)
      expect(
        (await store().listDue(new Date(at(5)), 10_000, ['zz-last-route'])).filter(({ key }) =>
          key.endsWith(tag),
        ),
      ).toEqual([{ route: 'zz-last-route', key: first.key, dueAt: at(1) }])

      // Its deadline moved, it goes behind the others; cleared, it leaves the index.
      await store().put({ ...first, lastNotedAt: at(4), version: 1 }, 1)
      await store().put({ ...tiedByKey, lastNotedAt: undefined, version: 1 }, 1)

      expect(await listed(at(9))).toEqual([
        { route: 'alerts', key: later.key, dueAt: at(3) },
        { route: 'zz-last-route', key: first.key, dueAt: at(4) },
        { route: 'alerts', key: notYet.key, dueAt: at(8) },
      ])
    })

    it('lists a record holding a write in flight by the due time of the state that write leads to', async () => {
      const tag = randomUUID()
      const { version: _, ...state } = correlationRecord({ key: `moved ${tag}` })
      const pendingWrite = (lastNotedAt: string | undefined) => ({
        envelopeId: 'env-2',
        command: { kind: 'addAction' as const, action: { ticket_id: 5, note: 'n' } },
        next: { ...state, lastNotedAt },
        at: '1970-01-01T00:02:00.000Z',
      })
      const moved = correlationRecord({
        ...state,
        lastNotedAt: '1970-01-01T00:02:00.000Z',
        pending: pendingWrite('1970-01-01T00:09:00.000Z'),
      })
      const cleared = correlationRecord({
        key: `cleared ${tag}`,
        lastNotedAt: '1970-01-01T00:02:00.000Z',
        pending: { ...pendingWrite(undefined), next: { ...state, key: `cleared ${tag}` } },
      })
      await store().put(moved, undefined)
      await store().put(cleared, undefined)

      const due = await store().listDue(new Date('1970-01-01T00:10:00.000Z'), 10_000, ['alerts'])
      expect(due.filter(({ key }) => key.endsWith(tag))).toEqual([
        { route: 'alerts', key: moved.key, dueAt: '1970-01-01T00:09:00.000Z' },
      ])
    })

    it('hands out copies: changing what was read or written changes nothing stored', async () => {
      const first = correlationRecord()
      await store().put(first, undefined)
      first.applied.push('written-later')
      const read = await store().get(first.route, first.key)
      read?.applied.push('read-later')

      expect((await store().get(first.route, first.key))?.applied).toEqual(['env-1'])
    })
  })
}
