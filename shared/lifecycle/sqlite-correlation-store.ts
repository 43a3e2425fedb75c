import Database from 'better-sqlite3'
import { StateStoreError } from '../errors.js'
import type { SqliteDatabase } from '../sqlite-database.js'
import { CorrelationRecordSchema } from './correlation-record-schema.js'
import {
  type CorrelationRecord,
  type CorrelationStore,
  type DueProblem,
  type OpenTicket,
  openTicketOf,
} from './correlation-store.js'
import { byDueFirst, type DueIndexOptions, dueProblemOf } from './due-problem.js'

const translate = (operation: string, error: unknown): never => {
  if (!(error instanceof Database.SqliteError)) throw error
  throw new StateStoreError(`SQLite ${operation} failed (${error.code})`, { cause: error })
}

export type SqliteCorrelationStoreOptions = DueIndexOptions & {
  /**
   * The Halo instance the records are about: their ticket ids mean something there only, so
   * each instance has its own records. @default 'halo'
   */
  halo?: string
  /** Forget what was stored for this instance first (a Halo that starts empty every time). */
  fresh?: boolean
}

/**
 * {@link CorrelationStore} in the local gateway's SQLite file (the `correlation` table): one row
 * per (Halo instance, route, key), its record as JSON and its version and ticket id beside it
 * (the ticket id indexed for {@link CorrelationStore.findByTicket}, and an open ticket's last
 * check and a due time in partial indexes for {@link CorrelationStore.listOpenTickets} and
 * {@link CorrelationStore.listDue}), written only
 * when the version is still the one read (an insert only when there is no row), as DynamoDB's
 * conditional write.
 */
export const createSqliteCorrelationStore = (
  db: SqliteDatabase,
  { halo = 'halo', fresh = false, dueAtOf }: SqliteCorrelationStoreOptions = {},
): CorrelationStore => {
  if (fresh) db.prepare('DELETE FROM correlation WHERE halo = ?').run(halo)
  const select = db
    .prepare('SELECT record FROM correlation WHERE halo = ? AND route = ? AND key = ?')
    .pluck()
  const insert = db.prepare(
    `INSERT INTO correlation (halo, route, key, version, record, ticket_id, open_checked_at, due_at)
     VALUES (?, ?, ?, 1, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  )
  const update = db.prepare(
    `UPDATE correlation SET version = ?, record = ?, ticket_id = ?, open_checked_at = ?, due_at = ?
     WHERE halo = ? AND route = ? AND key = ? AND version = ?`,
  )
  const openTickets = db.prepare(
    `SELECT route, key, ticket_id AS ticketId, open_checked_at AS checkedAt FROM correlation
     WHERE halo = ? AND open_checked_at IS NOT NULL
     ORDER BY open_checked_at, route, key LIMIT ?`,
  )
  const openTicketsAfter = db.prepare(
    `SELECT route, key, ticket_id AS ticketId, open_checked_at AS checkedAt FROM correlation
     WHERE halo = ? AND open_checked_at IS NOT NULL AND (open_checked_at, route, key) > (?, ?, ?)
     ORDER BY open_checked_at, route, key LIMIT ?`,
  )
  const due = db.prepare(
    `SELECT route, key, due_at AS dueAt FROM correlation
     WHERE halo = ? AND route = ? AND due_at IS NOT NULL AND due_at <= ?
     ORDER BY due_at, key LIMIT ?`,
  )
  const byTicket = db
    .prepare('SELECT record FROM correlation WHERE halo = ? AND ticket_id = ? LIMIT 1')
    .pluck()

  return {
    async get(route, key) {
      let json: string | undefined
      try {
        json = select.get(halo, route, key) as string | undefined
      } catch (error) {
        return translate('read', error)
      }
      return json === undefined ? undefined : CorrelationRecordSchema.parse(JSON.parse(json))
    },

    async findByTicket(ticketId) {
      let json: string | undefined
      try {
        json = byTicket.get(halo, ticketId) as string | undefined
      } catch (error) {
        return translate('read', error)
      }
      return json === undefined ? undefined : CorrelationRecordSchema.parse(JSON.parse(json))
    },

    async listOpenTickets(limit, after) {
      try {
        const listed = after
          ? openTicketsAfter.all(halo, after.checkedAt, after.route, after.key, limit)
          : openTickets.all(halo, limit)
        return listed as OpenTicket[]
      } catch (error) {
        return translate('read', error)
      }
    },

    async listDue(now, limit, routes) {
      try {
        const listed = [...new Set(routes)].flatMap(
          (route) => due.all(halo, route, now.toISOString(), limit) as DueProblem[],
        )
        return listed.sort(byDueFirst).slice(0, limit)
      } catch (error) {
        return translate('read', error)
      }
    },

    async put(record: CorrelationRecord, expectedVersion: number | undefined) {
      const version = (expectedVersion ?? 0) + 1
      const json = JSON.stringify({ ...record, version }) // read back through the schema
      const ticketId = record.ticketId ?? null
      const openCheckedAt = openTicketOf(record)?.checkedAt ?? null
      const dueAt = dueProblemOf(record, dueAtOf)?.dueAt ?? null
      try {
        const result =
          expectedVersion === undefined
            ? insert.run(halo, record.route, record.key, json, ticketId, openCheckedAt, dueAt)
            : update.run(
                version,
                json,
                ticketId,
                openCheckedAt,
                dueAt,
                halo,
                record.route,
                record.key,
                expectedVersion,
              )
        return result.changes === 1
      } catch (error) {
        return translate('write', error)
      }
    },
  }
}
