import { hostname } from 'node:os'
import Database from 'better-sqlite3'
import { LocalStateError } from './errors.js'

export type SqliteDatabase = Database.Database

/**
 * The schema, one step per version: step `n` takes a database from version `n` to `n + 1`
 * (`PRAGMA user_version`). A released step is never edited; a change is a new step at the end.
 * Every table belongs to one adapter: `queue_*` to `sqlite-event-queue.ts`, `correlation` to
 * `sqlite-correlation-store.ts`, `rate_budget` to `sqlite-rate-budget.ts`, `delivery_history` to
 * `sqlite-delivery-history.ts`; `owner` names the process that holds the file.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE owner (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    started_at TEXT NOT NULL,
    description TEXT NOT NULL
  );
  CREATE TABLE queue_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id TEXT NOT NULL,
    envelope TEXT NOT NULL,
    is_head INTEGER NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    invisible_until INTEGER NOT NULL DEFAULT 0,
    receipt_handle TEXT,
    leased INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX queue_messages_group ON queue_messages (group_id, seq);
  CREATE INDEX queue_messages_heads ON queue_messages (seq, invisible_until, receive_count)
    WHERE is_head = 1;
  CREATE INDEX queue_messages_receipt ON queue_messages (receipt_handle)
    WHERE receipt_handle IS NOT NULL;
  CREATE TABLE queue_dead_letters (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    envelope_id TEXT NOT NULL,
    envelope TEXT NOT NULL,
    reason TEXT NOT NULL,
    receive_count INTEGER NOT NULL
  );
  CREATE INDEX queue_dead_letters_envelope ON queue_dead_letters (envelope_id);
  CREATE TABLE queue_seen (
    envelope_id TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX queue_seen_expiry ON queue_seen (expires_at);
  CREATE TABLE correlation (
    halo TEXT NOT NULL,
    route TEXT NOT NULL,
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (halo, route, key)
  ) WITHOUT ROWID;
  CREATE TABLE rate_budget (
    name TEXT PRIMARY KEY,
    state TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE delivery_history (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    envelope_id TEXT NOT NULL UNIQUE,
    route TEXT,
    outcome TEXT NOT NULL,
    record TEXT NOT NULL
  );
  CREATE INDEX delivery_history_route ON delivery_history (route, seq);
  CREATE INDEX delivery_history_outcome ON delivery_history (outcome, seq);
  `,
  // The ticket index: a Halo ticket event finds the problem that owns the ticket.
  `
  ALTER TABLE correlation ADD COLUMN ticket_id INTEGER;
  UPDATE correlation SET ticket_id = json_extract(record, '$.ticketId');
  CREATE INDEX correlation_ticket ON correlation (halo, ticket_id) WHERE ticket_id IS NOT NULL;
  `,
  // The reconcile sweep's order: open tickets, least recently checked first (partial index).
  `
  ALTER TABLE correlation ADD COLUMN open_checked_at TEXT;
  UPDATE correlation
    SET open_checked_at = coalesce(json_extract(record, '$.haloEventAt'), json_extract(record, '$.firstSeen'))
    WHERE json_extract(record, '$.state') = 'open' AND ticket_id IS NOT NULL;
  CREATE INDEX correlation_open_checked ON correlation (halo, open_checked_at, route, key)
    WHERE open_checked_at IS NOT NULL;
  `,
  // The due sweep's order: problems with a due time, soonest first (partial index). No record
  // written before it held a deadline, so there is nothing to fill in.
  `
  ALTER TABLE correlation ADD COLUMN due_at TEXT;
  CREATE INDEX correlation_due ON correlation (halo, due_at, route, key) WHERE due_at IS NOT NULL;
  `,
]

/** Marks a SQLite file as ours (`PRAGMA application_id`, "HHk1"), so a stranger is refused. */
export const APPLICATION_ID = 0x48486b31

export type OpenSqliteDatabaseOptions = {
  /** Who opens it, as another process that finds it held is told (a PID is added). */
  owner: string
  /** The schema steps; tests pass their own. @default MIGRATIONS */
  migrations?: readonly string[]
  /** How long to wait for the lock when another process is just letting go, in ms. @default 1000 */
  lockTimeoutMs?: number
  now?: () => Date
}

export type OpenedSqliteDatabase = {
  db: SqliteDatabase
  file: string
  /** The schema version the file had before it was opened (0: it was new). */
  openedAtVersion: number
  /** Where the file was copied before it was migrated, when it was. */
  backupFile?: string | undefined
  /** Changes how the holder is described to a process that finds the file held. */
  describeOwner(description: string): void
  /** Releases the lock and closes the file. */
  close(): void
}

type Owner = { pid: number; host: string; started_at: string; description: string }

const sqliteCode = (error: unknown) =>
  error instanceof Error && 'code' in error ? String(error.code) : undefined

const unwritable = (file: string, error: unknown) =>
  new LocalStateError(
    'state_unwritable',
    `cannot open ${file} for writing (${sqliteCode(error) ?? (error instanceof Error ? error.message : 'unknown')}): make its directory writable by this user (and ${file} a file, not a directory), or choose another data directory`,
    { cause: error },
  )

/** Reads who holds the file from the file itself (WAL lets another process read meanwhile). */
const ownerOf = (file: string): Owner | undefined => {
  try {
    const reader = new Database(file, { readonly: true, fileMustExist: true, timeout: 1_000 })
    try {
      return reader.prepare('SELECT pid, host, started_at, description FROM owner').get() as
        | Owner
        | undefined
    } finally {
      reader.close()
    }
  } catch {
    return undefined
  }
}

/**
 * The lock: an exclusive SQLite lock on `<file>.lock`, taken at open and held for the life of
 * the connection. The operating system releases it when the process ends however it ends, so a
 * crash or `kill -9` leaves no stale lock, and a second process is refused at once.
 */
const takeLock = (file: string, timeoutMs: number) => {
  const lockFile = `${file}.lock`
  let lock: SqliteDatabase
  try {
    lock = new Database(lockFile, { timeout: timeoutMs })
    lock.pragma('locking_mode = EXCLUSIVE')
  } catch (error) {
    throw unwritable(lockFile, error)
  }
  try {
    lock.pragma('journal_mode = MEMORY') // it holds nothing worth a journal file
    lock.exec('BEGIN EXCLUSIVE; COMMIT')
    return lock
  } catch (error) {
    lock.close()
    if (sqliteCode(error) !== 'SQLITE_BUSY') throw unwritable(lockFile, error)
    const owner = ownerOf(file)
    const who = owner
      ? `${owner.description}, pid ${owner.pid} on ${owner.host}, started ${owner.started_at}`
      : 'a process that did not say who it is'
    throw new LocalStateError(
      'state_locked',
      `${file} is in use by another running process (${who}): stop that process first, or give this one a data directory of its own`,
      { cause: error },
    )
  }
}

/**
 * Brings the file to the newest schema: a new file is created at it, an older one is copied
 * aside (`<file>.v<version>.bak`) and migrated in one transaction, a newer one or a SQLite file
 * that is not ours is refused untouched.
 */
const migrate = (db: SqliteDatabase, file: string, migrations: readonly string[]) => {
  const version = db.pragma('user_version', { simple: true }) as number
  const applicationId = db.pragma('application_id', { simple: true }) as number
  const tables = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck()
  const fresh = version === 0 && (tables.get() as number) === 0
  if (!fresh && applicationId !== APPLICATION_ID) {
    throw new LocalStateError(
      'state_not_ours',
      `${file} is a SQLite database, but not one halo-hooks wrote: move it away, or choose another data directory`,
    )
  }
  if (version > migrations.length) {
    throw new LocalStateError(
      'state_schema_newer',
      `${file} was written by a newer halo-hooks (schema version ${version}; this one knows up to ${migrations.length}): run that newer halo-hooks on it, or move it away to start with an empty one (it keeps what it holds)`,
    )
  }
  if (version === migrations.length) return { openedAtVersion: version }
  const backupFile = fresh ? undefined : `${file}.v${version}.bak`
  if (backupFile) db.prepare('VACUUM INTO ?').run(backupFile)
  try {
    db.transaction(() => {
      for (const step of migrations.slice(version)) db.exec(step)
      db.pragma(`application_id = ${APPLICATION_ID}`)
      db.pragma(`user_version = ${migrations.length}`)
    })()
  } catch (error) {
    throw new LocalStateError(
      'state_migration_failed',
      `${file} could not be migrated from schema version ${version} to ${migrations.length} (${error instanceof Error ? error.message : String(error)}); it was left as it was${backupFile ? ` (a copy is in ${backupFile})` : ''}`,
      { cause: error },
    )
  }
  return { openedAtVersion: version, backupFile }
}

/**
 * Opens (or creates) the local gateway's SQLite file for this process alone: takes the lock,
 * turns on WAL (readers such as a backup are not blocked; a crash loses no committed write),
 * brings the schema to the newest version and records who holds it.
 *
 * @throws LocalStateError when the file is held by another process, cannot be written, is not
 *   ours, or has a newer schema; the message names the file and the fix.
 */
export const openSqliteDatabase = (
  file: string,
  options: OpenSqliteDatabaseOptions,
): OpenedSqliteDatabase => {
  const now = options.now ?? (() => new Date())
  const lock = takeLock(file, options.lockTimeoutMs ?? 1_000)
  let db: SqliteDatabase | undefined
  try {
    try {
      db = new Database(file)
      db.pragma('journal_mode = WAL')
    } catch (error) {
      if (sqliteCode(error) === 'SQLITE_NOTADB') {
        throw new LocalStateError(
          'state_not_ours',
          `${file} is not a SQLite database: move it away, or choose another data directory`,
          { cause: error },
        )
      }
      throw unwritable(file, error)
    }
    // In WAL mode NORMAL loses no committed transaction when the process dies; only an
    // operating-system crash or power loss may take the last ones back.
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    const migrated = migrate(db, file, options.migrations ?? MIGRATIONS)
    db.prepare(
      `INSERT INTO owner (id, pid, host, started_at, description) VALUES (1, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, host = excluded.host,
         started_at = excluded.started_at, description = excluded.description`,
    ).run(process.pid, hostname(), now().toISOString(), options.owner)
    const opened = db
    const describe = opened.prepare('UPDATE owner SET description = ?')
    return {
      db: opened,
      file,
      ...migrated,
      describeOwner(description) {
        describe.run(description)
      },
      close() {
        opened.close()
        lock.close()
      },
    }
  } catch (error) {
    db?.close()
    lock.close()
    throw error
  }
}
