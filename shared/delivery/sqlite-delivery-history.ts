import type { SqliteDatabase } from '../sqlite-database.js'
import type { DeliveryFilter, DeliveryHistory, DeliveryRecord } from './delivery-history.js'

/**
 * The delivery history in the local gateway's SQLite file (the `delivery_history` table): one
 * row per envelope, its latest outcome, the newest `maxEntries` kept, as the memory adapter.
 * The count is kept in the process: the file is this process's alone while it runs.
 */
export const createSqliteDeliveryHistory = (
  db: SqliteDatabase,
  { maxEntries = 10_000 } = {},
): DeliveryHistory => {
  const remove = db.prepare('DELETE FROM delivery_history WHERE envelope_id = ?')
  const insert = db.prepare(
    'INSERT INTO delivery_history (envelope_id, route, outcome, record) VALUES (?, ?, ?, ?)',
  )
  const dropOldest = db.prepare(
    'DELETE FROM delivery_history WHERE seq IN (SELECT seq FROM delivery_history ORDER BY seq LIMIT ?)',
  )
  const list = db
    .prepare(
      `SELECT record FROM delivery_history
       WHERE (@route IS NULL OR route = @route) AND (@outcome IS NULL OR outcome = @outcome)
       ORDER BY seq DESC LIMIT @limit`,
    )
    .pluck()
  const one = db.prepare('SELECT record FROM delivery_history WHERE envelope_id = ?').pluck()
  let count = db.prepare('SELECT count(*) FROM delivery_history').pluck().get() as number

  const record = db.transaction((entry: DeliveryRecord) => {
    count -= remove.run(entry.envelopeId).changes // re-inserted last: the newest
    insert.run(entry.envelopeId, entry.route ?? null, entry.outcome, JSON.stringify(entry))
    count += 1
    if (count > maxEntries) count -= dropOldest.run(count - maxEntries).changes
  })

  return {
    async record(entry) {
      record(entry)
    },
    async list({ route, outcome, limit = 200 }: DeliveryFilter = {}) {
      return (list.all({ route: route || null, outcome: outcome || null, limit }) as string[]).map(
        (json) => JSON.parse(json) as DeliveryRecord,
      )
    },
    async get(envelopeId) {
      const json = one.get(envelopeId) as string | undefined
      return json === undefined ? undefined : (JSON.parse(json) as DeliveryRecord)
    },
  }
}
