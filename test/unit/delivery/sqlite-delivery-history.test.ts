import { describe, expect, it } from 'vitest'
import { createSqliteDeliveryHistory } from '../../../shared/delivery/sqlite-delivery-history.js'
import { deliveryHistoryContract } from '../../support/contracts/delivery-history-contract.js'
import { sqliteFiles } from '../../support/sqlite.js'

const files = sqliteFiles()

const delivered = (envelopeId: string) => ({
  envelopeId,
  outcome: 'delivered' as const,
  at: '2026-11-28T12:00:00.000Z',
  receiveCount: 1,
})

describe('createSqliteDeliveryHistory', () => {
  deliveryHistoryContract((options) => createSqliteDeliveryHistory(files.fresh().db, options))

  it('keeps the history, and its retention, across a restart', async () => {
    const file = files.newFile()
    const first = files.open(file)
    const history = createSqliteDeliveryHistory(first.db, { maxEntries: 2 })
    for (const id of ['a', 'b']) await history.record(delivered(id))
    first.close()

    const again = createSqliteDeliveryHistory(files.open(file).db, { maxEntries: 2 })
    expect((await again.list()).map((entry) => entry.envelopeId)).toEqual(['b', 'a'])
    await again.record(delivered('c'))
    expect((await again.list()).map((entry) => entry.envelopeId)).toEqual(['c', 'b'])
  })
})
