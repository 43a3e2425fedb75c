import Database from 'better-sqlite3'
import { RateBudgetUnavailableError } from '../errors.js'
import type { SqliteDatabase } from '../sqlite-database.js'
import { createLocalRateBudget, type LocalRateBudget } from './local-rate-budget.js'
import type { RateBudgetLimits } from './rate-budget.js'

export type SqliteRateBudgetOptions = Partial<RateBudgetLimits> & {
  db: SqliteDatabase
  /** Which budget: one per Halo instance. @default 'halo' */
  name?: string
}

const unavailable = (operation: string, error: unknown): never => {
  if (!(error instanceof Database.SqliteError)) throw error
  throw new RateBudgetUnavailableError(`SQLite ${operation} failed (${error.code})`, {
    cause: error,
  })
}

/**
 * The local gateway's {@link RateBudget}, its state (the window's grants, the learned limit,
 * `Retry-After`, the line of waiting callers) in a row of the `rate_budget` table, so a restart
 * neither forgets what Halo was sent in the current window nor what it taught. The rules are
 * the memory adapter's (`local-rate-budget.ts`).
 *
 * @throws RangeError when `limit` or `windowMs` is not a positive number.
 * @throws RateBudgetUnavailableError when the file cannot be read or written.
 */
export const createSqliteRateBudget = ({
  db,
  name = 'halo',
  ...limits
}: SqliteRateBudgetOptions): LocalRateBudget => {
  const read = db.prepare('SELECT state FROM rate_budget WHERE name = ?').pluck()
  const write = db.prepare(
    `INSERT INTO rate_budget (name, state) VALUES (?, ?)
     ON CONFLICT (name) DO UPDATE SET state = excluded.state`,
  )
  return createLocalRateBudget(limits, {
    read() {
      let json: string | undefined
      try {
        json = read.get(name) as string | undefined
      } catch (error) {
        return unavailable('read', error)
      }
      try {
        return json === undefined ? undefined : JSON.parse(json)
      } catch {
        return undefined // damaged: the budget starts afresh, as with a damaged field
      }
    },
    write(state) {
      try {
        write.run(name, JSON.stringify(state))
      } catch (error) {
        unavailable('write', error)
      }
    },
  })
}
