import { describe, expect, it } from 'vitest'
import { createMemoryDeliveryHistory } from '../../../shared/delivery/memory-delivery-history.js'
import { createHistoryReceipts, settleRecord } from '../../../shared/delivery/write-receipts.js'
import type { CorrelationRecord } from '../../../shared/lifecycle/correlation-store.js'

const AT = '2026-11-28T07:00:00.000Z'

const record = (
  pending?: Partial<NonNullable<CorrelationRecord['pending']>>,
): CorrelationRecord => {
  const state = {
    route: 'alpha',
    key: 'db01-disk',
    state: 'resolved' as const,
    occurrences: 0,
    firstSeen: AT,
    lastSeen: AT,
    applied: [],
  }
  return {
    ...state,
    version: 3,
    ...(pending
      ? {
          pending: {
            envelopeId: 'env-1',
            command: { kind: 'createTicket' as const, ticket: { summary: 'Disk full' } },
            next: { ...state, state: 'open' as const, occurrences: 1, applied: ['env-1'] },
            at: AT,
            ...pending,
          },
        }
      : {}),
  }
}

describe('createHistoryReceipts', () => {
  it('knows a write by its delivered or deduplicated outcome, and nothing by any other', async () => {
    const history = createMemoryDeliveryHistory()
    const receipts = createHistoryReceipts(history)
    await history.record({
      envelopeId: 'a',
      outcome: 'delivered',
      ticketId: 7,
      at: AT,
      receiveCount: 1,
    })
    await history.record({ envelopeId: 'b', outcome: 'deferred', at: AT, receiveCount: 1 })
    await history.record({
      envelopeId: 'd',
      outcome: 'deduplicated',
      ticketId: 8,
      at: AT,
      receiveCount: 2,
    })

    expect(await receipts.find('a')).toBe(7)
    expect(await receipts.find('d')).toBe(8)
    expect(await receipts.find('b')).toBeUndefined()
    expect(await receipts.find('c')).toBeUndefined()
  })

  it('remembers the writes this process made, before the history has them', async () => {
    const receipts = createHistoryReceipts(createMemoryDeliveryHistory())
    receipts.made('a', 9)
    expect(await receipts.find('a')).toBe(9)
  })
})

describe('settleRecord', () => {
  const receipts = createHistoryReceipts(createMemoryDeliveryHistory())
  receipts.made('env-1', 1001)

  it('stands a pending write with a receipt in for the state it intended, at the stored version', async () => {
    expect(await settleRecord(record({}), receipts)).toEqual({
      ...record({}).pending?.next,
      ticketId: 1001,
      version: 3,
    })
  })

  it('leaves a record as it is without a receipt, for a write known unsent, or with none pending', async () => {
    expect(await settleRecord(record({ envelopeId: 'env-2' }), receipts)).toEqual(
      record({ envelopeId: 'env-2' }),
    )
    expect(await settleRecord(record({ unsent: true }), receipts)).toEqual(record({ unsent: true }))
    expect(await settleRecord(record(), receipts)).toEqual(record())
    expect(await settleRecord(record({}), undefined)).toEqual(record({}))
  })

  it('leaves it to recovery when the history cannot be read', async () => {
    const failing = createHistoryReceipts({ get: () => Promise.reject(new Error('throttled')) })
    expect(await settleRecord(record({}), failing)).toEqual(record({}))
  })
})
