import { describe, expect, it } from 'vitest'
import { byDueFirst, dueProblemOf } from '../../../shared/lifecycle/due-problem.js'
import {
  correlationRecord,
  standInDueAtOf,
} from '../../support/contracts/correlation-store-contract.js'

describe('dueProblemOf', () => {
  it('is nothing for a state that holds no deadline (what every state is until a policy keeps one)', () => {
    expect(dueProblemOf(correlationRecord({ lastNotedAt: '2026-01-01T00:00:00.000Z' }))).toBe(
      undefined,
    )
  })

  it('names the problem and writes its due time as toISOString does, so every store orders by text', () => {
    const record = correlationRecord({ key: 'k', lastNotedAt: '2026-01-01T10:00:00+02:00' })

    expect(dueProblemOf(record, standInDueAtOf)).toEqual({
      route: 'alerts',
      key: 'k',
      dueAt: '2026-01-01T08:00:00.000Z',
    })
  })

  it('is due by the state a write in flight leads to, not the state it leaves', () => {
    const { version: _, ...state } = correlationRecord({ key: 'k' })
    const record = correlationRecord({
      ...state,
      lastNotedAt: '2026-01-01T00:00:00.000Z',
      pending: {
        envelopeId: 'env-2',
        command: { kind: 'addAction', action: { ticket_id: 5, note: 'n' } },
        next: { ...state, lastNotedAt: undefined },
        at: '2026-01-01T00:00:00.000Z',
      },
    })

    expect(dueProblemOf(record, standInDueAtOf)).toBeUndefined()
  })
})

describe('byDueFirst', () => {
  it('orders by due time, then route, then key', () => {
    const due = (dueAt: string, route: string, key: string) => ({ dueAt, route, key })
    const listed = [
      due('2026-01-01T00:00:02.000Z', 'a', 'a'),
      due('2026-01-01T00:00:01.000Z', 'b', 'a'),
      due('2026-01-01T00:00:01.000Z', 'a', 'b'),
      due('2026-01-01T00:00:01.000Z', 'a', 'a'),
    ].sort(byDueFirst)

    expect(listed.map(({ dueAt, route, key }) => `${dueAt.slice(18, 19)} ${route} ${key}`)).toEqual(
      ['1 a a', '1 a b', '1 b a', '2 a a'],
    )
  })
})
