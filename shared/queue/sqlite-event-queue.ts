import Database from 'better-sqlite3'
import type { Envelope } from '../envelope.js'
import { QueueError } from '../errors.js'
import type { SqliteDatabase } from '../sqlite-database.js'
import { createFifoQueue, type FifoStorage, type GroupHead } from './fifo-queue.js'
import type { DeadLetter, LocalEventQueue, LocalEventQueueOptions } from './local-event-queue.js'

const parse = (json: string) => JSON.parse(json) as Envelope

/** The queue's messages, dead letters and recently seen ids in the `queue_*` tables. */
const sqliteStorage = (db: SqliteDatabase): FifoStorage<number> => {
  const sql = (source: string) => db.prepare(source)
  const forgetSeen = sql('DELETE FROM queue_seen WHERE expires_at <= ?')
  const hasSeen = sql('SELECT 1 FROM queue_seen WHERE envelope_id = ?').pluck()
  const remember = sql('INSERT OR REPLACE INTO queue_seen (envelope_id, expires_at) VALUES (?, ?)')
  const messageCount = sql('SELECT count(*) FROM queue_messages').pluck()
  // A group's oldest message is marked its head, so the choice reads heads only (a long line
  // behind a deferred head costs nothing) in order, through a partial index.
  const append = sql(
    `INSERT INTO queue_messages (group_id, envelope, is_head)
     VALUES (@group, @envelope, NOT EXISTS (SELECT 1 FROM queue_messages WHERE group_id = @group))`,
  )
  const nextVisibleHead = sql(
    `SELECT seq AS ref, receive_count AS receiveCount FROM queue_messages
     INDEXED BY queue_messages_heads
     WHERE is_head = 1 AND invisible_until <= ? AND seq NOT IN (SELECT value FROM json_each(?))
     ORDER BY seq LIMIT 1`,
  )

  const lease = sql(
    `UPDATE queue_messages SET receive_count = ?, invisible_until = ?, receipt_handle = ?,
       leased = 1 WHERE seq = ? RETURNING envelope`,
  ).pluck()
  const leasedWith = sql('SELECT seq FROM queue_messages WHERE receipt_handle = ?').pluck()
  const removeRow = sql('DELETE FROM queue_messages WHERE seq = ? RETURNING group_id').pluck()
  const promoteHeadOf = sql(
    `UPDATE queue_messages SET is_head = 1 WHERE seq =
       (SELECT min(seq) FROM queue_messages WHERE group_id = ?)`,
  )
  const defer = sql('UPDATE queue_messages SET invisible_until = ?, leased = 0 WHERE seq = ?')
  const toDeadLetters = sql(
    `INSERT INTO queue_dead_letters (envelope_id, envelope, reason, receive_count)
     SELECT json_extract(envelope, '$.id'), envelope, ?, receive_count
     FROM queue_messages WHERE seq = ?`,
  )
  const firstDeadLetter = sql(
    'SELECT seq, envelope FROM queue_dead_letters WHERE envelope_id = ? ORDER BY seq LIMIT 1',
  )
  const removeDeadLetter = sql('DELETE FROM queue_dead_letters WHERE seq = ?')
  const deadLetters = sql(
    'SELECT envelope, reason, receive_count FROM queue_dead_letters ORDER BY seq',
  )
  const deadLetterCount = sql('SELECT count(*) FROM queue_dead_letters').pluck()
  const envelopes = sql('SELECT envelope FROM queue_messages ORDER BY seq').pluck()
  const invisibleCount = sql(
    'SELECT count(*) FROM queue_messages WHERE invisible_until > ?',
  ).pluck()

  /** Removes a message; its group's next one becomes the head. */
  const remove = db.transaction((ref: number) => {
    const group = removeRow.get(ref) as string | undefined
    if (group !== undefined) promoteHeadOf.run(group)
  })
  const deadLetter = db.transaction((ref: number, reason: string) => {
    toDeadLetters.run(reason, ref)
    remove(ref)
  })
  const takeDeadLetter = db.transaction((envelopeId: string) => {
    const letter = firstDeadLetter.get(envelopeId) as { seq: number; envelope: string } | undefined
    if (!letter) return undefined
    removeDeadLetter.run(letter.seq)
    return parse(letter.envelope)
  })

  return {
    transaction: (step) => db.transaction(step)(),
    forgetSeen(at) {
      forgetSeen.run(at)
    },
    hasSeen: (envelopeId) => hasSeen.get(envelopeId) !== undefined,
    remember(envelopeId, until) {
      remember.run(envelopeId, until)
    },
    messageCount: () => messageCount.get() as number,
    append(envelope, groupId) {
      append.run({ group: groupId, envelope: JSON.stringify(envelope) })
    },
    nextVisibleHead: (at, skip) =>
      nextVisibleHead.get(at, JSON.stringify(skip)) as GroupHead<number> | undefined,
    lease: (ref, next) =>
      parse(lease.get(next.receiveCount, next.invisibleUntil, next.receiptHandle, ref) as string),
    leasedWith: (receiptHandle) => leasedWith.get(receiptHandle) as number | undefined,
    remove(ref) {
      remove(ref)
    },
    defer(ref, at) {
      defer.run(at, ref)
    },
    deadLetter(ref, reason) {
      deadLetter(ref, reason)
    },
    takeDeadLetter: (envelopeId) => takeDeadLetter(envelopeId),
    deadLetters: () =>
      (deadLetters.all() as { envelope: string; reason: string; receive_count: number }[]).map(
        (row): DeadLetter => ({
          envelope: parse(row.envelope),
          reason: row.reason,
          receiveCount: row.receive_count,
        }),
      ),
    deadLetterCount: () => deadLetterCount.get() as number,
    envelopes: () => (envelopes.all() as string[]).map(parse),
    invisibleCount: (at) => invisibleCount.get(at) as number,
  }
}

/**
 * The local queue in the SQLite file (the `queue_*` tables): the rules of `fifo-queue.ts`, the
 * same as the memory queue's, with every message, lease and dead letter surviving a restart.
 *
 * The database is held by this process alone (see `sqlite-database.ts`), so a message received
 * by an earlier process and neither acknowledged nor deferred was in the hands of a worker that
 * is gone: it is visible again at once, its receive counted, rather than after its timeout.
 * A write that fails (a full disk) makes `send` throw `QueueError`, so ingest answers 503.
 */
export const createSqliteEventQueue = (
  db: SqliteDatabase,
  options: LocalEventQueueOptions = {},
): LocalEventQueue => {
  db.prepare('UPDATE queue_messages SET invisible_until = 0, leased = 0 WHERE leased = 1').run()
  const queue = createFifoQueue(sqliteStorage(db), options)
  return {
    ...queue,
    async send(envelopes) {
      try {
        await queue.send(envelopes)
      } catch (error) {
        if (!(error instanceof Database.SqliteError)) throw error
        throw new QueueError(`the local queue could not store the envelopes (${error.code})`, {
          cause: error,
        })
      }
    },
  }
}
