import { randomUUID } from 'node:crypto'
import { expect, it } from 'vitest'
import type { CorrelationStore } from '../../../shared/lifecycle/correlation-store.js'
import { correlationRecord } from './correlation-store-contract.js'

/**
 * What a store built with the real `dueAtOf` must do with the state business hours, flapping and
 * quiet resolves keep: give it back whole and list the problem by its earliest deadline.
 */
export const policyStateContract = (store: () => CorrelationStore) => {
  it('keeps a deferred ticket, a flapping history and a pending quiet close, due by the earliest', async () => {
    const tag = randomUUID()
    // Before anything else a shared store lists, so this comes first.
    const deferred = correlationRecord({
      key: `deferred ${tag}`,
      state: 'deferred',
      deferred: {
        until: '1970-01-01T00:00:03.000Z',
        ticket: { summary: 'Disk full', client_id: 12, priority_id: 3 },
        previousTicketId: 41,
      },
    })
    const held = correlationRecord({
      key: `held ${tag}`,
      ticketId: 7,
      closeAt: '1970-01-01T00:00:02.000Z',
      flap: {
        last: 'resolved',
        changes: ['1970-01-01T00:00:00.500Z'],
        stableAt: '1970-01-01T00:00:01.000Z',
      },
    })
    await store().put(deferred, undefined)
    await store().put(held, undefined)

    expect(await store().get(deferred.route, deferred.key)).toEqual({ ...deferred, version: 1 })
    expect(await store().get(held.route, held.key)).toEqual({ ...held, version: 1 })
    const due = await store().listDue(new Date('1970-01-01T00:00:05.000Z'), 10_000, ['alerts'])
    expect(due.filter(({ key }) => key.endsWith(tag))).toEqual([
      { route: 'alerts', key: held.key, dueAt: '1970-01-01T00:00:01.000Z' },
      { route: 'alerts', key: deferred.key, dueAt: '1970-01-01T00:00:03.000Z' },
    ])
  })
}
