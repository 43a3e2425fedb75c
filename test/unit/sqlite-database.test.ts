import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { LocalStateError } from '../../shared/errors.js'
import { APPLICATION_ID, MIGRATIONS } from '../../shared/sqlite-database.js'
import { sqliteFiles } from '../support/sqlite.js'

const files = sqliteFiles()

const refusal = (open: () => unknown) => {
  try {
    open()
  } catch (error) {
    if (error instanceof LocalStateError) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('opened')
}

const NEXT_STEP = 'ALTER TABLE correlation ADD COLUMN note TEXT'

describe('openSqliteDatabase', () => {
  it('creates a new file at the newest schema, marked as ours, in WAL mode', () => {
    const database = files.fresh()
    expect(database.openedAtVersion).toBe(0)
    expect(database.backupFile).toBeUndefined()
    expect(database.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(database.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
    expect(database.db.pragma('journal_mode', { simple: true })).toBe('wal')
  })

  it('refuses a second holder while the first has it, naming the first, and lets go on close', () => {
    const file = files.newFile()
    const first = files.open(file, { owner: 'halo-hooks gateway on http://127.0.0.1:8787' })
    const quick = { lockTimeoutMs: 10 }

    const second = refusal(() => files.open(file, quick))
    expect(second.code).toBe('state_locked')
    expect(second.message).toContain(`${file} is in use by another running process`)
    expect(second.message).toContain(
      `halo-hooks gateway on http://127.0.0.1:8787, pid ${process.pid}`,
    )
    expect(second.message).toContain('stop that process first, or give this one a data directory')

    first.describeOwner('halo-hooks gateway on http://127.0.0.1:9999')
    expect(refusal(() => files.open(file, quick)).message).toContain('http://127.0.0.1:9999')

    first.close()
    expect(files.open(file).openedAtVersion).toBe(MIGRATIONS.length)
  })

  it('lets another process read it while it is held (a backup, an inspection)', () => {
    const { file, db } = files.fresh()
    db.prepare("INSERT INTO rate_budget (name, state) VALUES ('halo', '{}')").run()
    const reader = new Database(file, { readonly: true })
    expect(reader.prepare('SELECT name FROM rate_budget').pluck().all()).toEqual(['halo'])
    reader.close()
  })

  it('migrates an older file in one step after copying it aside, keeping what it holds', () => {
    const file = files.newFile()
    const old = files.open(file)
    old.db.prepare("INSERT INTO rate_budget (name, state) VALUES ('halo', '{}')").run()
    old.close()

    const migrated = files.open(file, { migrations: [...MIGRATIONS, NEXT_STEP] })
    expect(migrated.openedAtVersion).toBe(MIGRATIONS.length)
    expect(migrated.backupFile).toBe(`${file}.v${MIGRATIONS.length}.bak`)
    expect(migrated.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1)
    expect(migrated.db.prepare('SELECT name FROM rate_budget').pluck().all()).toEqual(['halo'])
    const backup = new Database(migrated.backupFile as string, { readonly: true })
    expect(backup.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    backup.close()
  })

  it('refuses a file from a newer version untouched, naming both versions and the fix', () => {
    const file = files.newFile()
    files.open(file, { migrations: [...MIGRATIONS, NEXT_STEP] }).close()

    const newer = refusal(() => files.open(file))
    expect(newer).toEqual({
      code: 'state_schema_newer',
      message: `${file} was written by a newer halo-hooks (schema version ${MIGRATIONS.length + 1}; this one knows up to ${MIGRATIONS.length}): run that newer halo-hooks on it, or move it away to start with an empty one (it keeps what it holds)`,
    })
    // Refused, the lock is let go: the newer version can still open it.
    expect(files.open(file, { migrations: [...MIGRATIONS, NEXT_STEP] }).openedAtVersion).toBe(
      MIGRATIONS.length + 1,
    )
  })

  it('leaves a file whose migration fails as it was', () => {
    const file = files.newFile()
    files.open(file).close()

    const failed = refusal(() =>
      files.open(file, { migrations: [...MIGRATIONS, `${NEXT_STEP}; CREATE TABLE owner (x)`] }),
    )
    expect(failed.code).toBe('state_migration_failed')
    expect(failed.message).toContain('it was left as it was')
    const database = files.open(file)
    expect(database.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(
      database.db
        .prepare("SELECT count(*) FROM pragma_table_info('correlation') WHERE name = 'note'")
        .pluck()
        .get(),
    ).toBe(0)
  })

  it('refuses a SQLite file that is not ours, and a file that is not SQLite', () => {
    const stranger = files.newFile()
    const db = new Database(stranger)
    db.exec('CREATE TABLE invoices (id INTEGER)')
    db.close()
    expect(refusal(() => files.open(stranger)).code).toBe('state_not_ours')

    const text = files.newFile()
    writeFileSync(text, 'these are my notes, not a database\n'.repeat(200))
    expect(refusal(() => files.open(text))).toMatchObject({
      code: 'state_not_ours',
      message: `${text} is not a SQLite database: move it away, or choose another data directory`,
    })
  })

  it('says it cannot write where the file cannot be created', () => {
    const file = files.newFile()
    writeFileSync(join(file, '..', 'a-file'), '')
    const underFile = join(file, '..', 'a-file', 'halo-hooks.db')
    const notWritable = refusal(() => files.open(underFile))
    expect(notWritable.code).toBe('state_unwritable')
    expect(notWritable.message).toContain(`cannot open ${underFile}.lock for writing`)

    mkdirSync(file)
    expect(refusal(() => files.open(file)).code).toBe('state_unwritable')
    expect(existsSync(`${file}.lock`)).toBe(true)
  })
})
