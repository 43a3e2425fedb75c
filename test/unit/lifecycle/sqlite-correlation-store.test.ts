import { describe, expect, it } from 'vitest'
import { StateStoreError } from '../../../shared/errors.js'
import { createSqliteCorrelationStore } from '../../../shared/lifecycle/sqlite-correlation-store.js'
import { MIGRATIONS } from '../../../shared/sqlite-database.js'
import {
  correlationRecord,
  correlationStoreContract,
  standInDueAtOf,
} from '../../support/contracts/correlation-store-contract.js'
import { sqliteFiles } from '../../support/sqlite.js'

const files = sqliteFiles()

describe('createSqliteCorrelationStore', () => {
  const store = createSqliteCorrelationStore(files.fresh().db, { dueAtOf: standInDueAtOf })
  correlationStoreContract(() => store)

  it('keeps every record and its version across a restart', async () => {
    const file = files.newFile()
    const first = files.open(file)
    const record = correlationRecord({ ticketId: 9 })
    await createSqliteCorrelationStore(first.db).put(record, undefined)
    first.close()

    const again = createSqliteCorrelationStore(files.open(file).db)
    expect(await again.get(record.route, record.key)).toEqual({ ...record, version: 1 })
    expect(await again.put({ ...record, occurrences: 2 }, undefined)).toBe(false)
  })

  it('indexes the tickets of records written before the ticket index existed', async () => {
    const file = files.newFile()
    const before = files.open(file, { migrations: MIGRATIONS.slice(0, 1) })
    const record = correlationRecord({ ticketId: 4242 })
    before.db
      .prepare('INSERT INTO correlation (halo, route, key, version, record) VALUES (?, ?, ?, 1, ?)')
      .run('halo', record.route, record.key, JSON.stringify({ ...record, version: 1 }))
    before.close()

    const migrated = createSqliteCorrelationStore(files.open(file).db)
    expect(await migrated.findByTicket(4242)).toEqual({ ...record, version: 1 })
  })

  it("keeps each Halo instance's records apart, and forgets one's when told it starts empty", async () => {
    const { db } = files.fresh()
    const record = correlationRecord({ ticketId: 1001 })
    const acme = createSqliteCorrelationStore(db, { halo: 'https://acme.halopsa.com' })
    await acme.put(record, undefined)
    await createSqliteCorrelationStore(db, { halo: 'built-in sandbox' }).put(record, undefined)

    const other = createSqliteCorrelationStore(db, { halo: 'https://other.halopsa.com' })
    expect(await other.get(record.route, record.key)).toBeUndefined()
    const restarted = createSqliteCorrelationStore(db, { halo: 'built-in sandbox', fresh: true })
    expect(await restarted.get(record.route, record.key)).toBeUndefined()
    expect(await acme.get(record.route, record.key)).toEqual({ ...record, version: 1 })
  })

  it('answers StateStoreError (retryable) when the file cannot be written', async () => {
    const { db } = files.fresh()
    const sqlite = createSqliteCorrelationStore(db)
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`)
    const record = correlationRecord({ applied: Array.from({ length: 2_000 }, (_, i) => `e${i}`) })

    await expect(sqlite.put(record, undefined)).rejects.toSatisfy(
      (error) => error instanceof StateStoreError && error.retryable,
    )
  })
})
