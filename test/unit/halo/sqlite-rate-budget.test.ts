import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { RateBudgetUnavailableError } from '../../../shared/errors.js'
import { createSqliteRateBudget } from '../../../shared/halo/sqlite-rate-budget.js'
import { rateBudgetContract } from '../../support/contracts/rate-budget-contract.js'
import { sqliteFiles } from '../../support/sqlite.js'

const files = sqliteFiles()

describe('createSqliteRateBudget', () => {
  const { db } = files.fresh()
  rateBudgetContract((limits) => {
    const name = randomUUID()
    return () => createSqliteRateBudget({ db, name, ...limits })
  })

  it('remembers across a restart what it granted in the window and what Halo taught it', async () => {
    const file = files.newFile()
    const first = files.open(file)
    const budget = createSqliteRateBudget({ db: first.db, limit: 20, windowMs: 10_000 })
    for (let i = 0; i < 15; i++) await budget.take(0, 'write')
    await budget.refused(10, { grantedAt: 0 })
    first.close()

    const again = createSqliteRateBudget({ db: files.open(file).db, limit: 20, windowMs: 10_000 })
    expect(again.learnedLimit()).toBe(15)
    expect(await again.take(20, 'write')).toMatchObject({ granted: false })
  })

  it('brings a limit learned under a higher ceiling under a lower one', async () => {
    const { db } = files.fresh()
    await createSqliteRateBudget({ db, limit: 100, windowMs: 10_000 }).take(0, 'write')
    expect(createSqliteRateBudget({ db, limit: 10, windowMs: 10_000 }).learnedLimit()).toBe(10)
  })

  it('starts afresh from a damaged row', async () => {
    const { db } = files.fresh()
    db.prepare("INSERT INTO rate_budget (name, state) VALUES ('halo', 'not json')").run()
    const budget = createSqliteRateBudget({ db, limit: 1, windowMs: 10_000 })
    expect(await budget.take(0, 'write')).toEqual({ granted: true, at: 0 })
  })

  it('answers RateBudgetUnavailableError (retryable) when the file cannot be written', async () => {
    const { db } = files.fresh()
    const budget = createSqliteRateBudget({ db, limit: 10_000, windowMs: 10_000 })
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`)
    await expect(
      (async () => {
        for (let i = 0; i < 10_000; i++) await budget.take(i, 'write')
      })(),
    ).rejects.toSatisfy((error) => error instanceof RateBudgetUnavailableError && error.retryable)
  })
})
