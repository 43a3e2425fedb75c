import { describe, expect, it } from 'vitest'
import { openTicketOf } from '../../../shared/lifecycle/correlation-store.js'
import { byLeastRecentlyChecked } from '../../../shared/lifecycle/open-ticket-order.js'
import { correlationRecord } from '../../support/contracts/correlation-store-contract.js'

describe('openTicketOf', () => {
  it('is the ticket of an open record, ordered by when Halo was last heard from, else since first seen', () => {
    const checked = correlationRecord({
      key: 'k',
      ticketId: 7,
      checkedAt: '2026-01-03T00:00:00.000Z',
      haloEventAt: '2026-01-02T00:00:00.000Z',
    })
    // A delivery's own check (checkedAt) does not count: the sweep's index would move on every note.
    const never = correlationRecord({
      key: 'k',
      ticketId: 7,
      checkedAt: '2026-01-03T00:00:00.000Z',
    })

    expect(openTicketOf(checked)).toEqual({
      route: 'alerts',
      key: 'k',
      ticketId: 7,
      checkedAt: '2026-01-02T00:00:00.000Z',
    })
    expect(openTicketOf(never)?.checkedAt).toBe(never.firstSeen)
  })

  it.each(['closed', 'resolved', 'pending', 'suppressed'] as const)(
    'is nothing for a %s record, ticket or not',
    (state) => {
      expect(openTicketOf(correlationRecord({ state, ticketId: 7 }))).toBeUndefined()
    },
  )

  it('is nothing for an open record without a ticket', () => {
    expect(openTicketOf(correlationRecord({ ticketId: undefined }))).toBeUndefined()
  })
})

describe('byLeastRecentlyChecked', () => {
  it('orders by last check, then route, then key', () => {
    const at = (minute: number) => `2026-01-01T00:0${minute}:00.000Z`
    const open = (route: string, key: string, minute: number) => ({
      route,
      key,
      ticketId: 1,
      checkedAt: at(minute),
    })
    const sorted = [open('b', 'x', 1), open('a', 'y', 1), open('a', 'x', 1), open('a', 'a', 2)]
      .sort(byLeastRecentlyChecked)
      .map(({ route, key }) => `${route}/${key}`)

    expect(sorted).toEqual(['a/x', 'a/y', 'b/x', 'a/a'])
  })
})
