import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { type OpenedSqliteDatabase, openSqliteDatabase } from '../../shared/sqlite-database.js'

/**
 * SQLite files for tests, each in a new temporary directory, all closed and removed after the
 * file's tests. `open(file)` opens an existing one again, as a restarted gateway would.
 */
export const sqliteFiles = () => {
  const opened: OpenedSqliteDatabase[] = []
  const dirs: string[] = []
  afterAll(() => {
    for (const database of opened) if (database.db.open) database.close()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })
  const open = (file: string, options: Partial<Parameters<typeof openSqliteDatabase>[1]> = {}) => {
    const database = openSqliteDatabase(file, { owner: 'a test', ...options })
    opened.push(database)
    return database
  }
  const newFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-hooks-test-'))
    dirs.push(dir)
    return join(dir, 'halo-hooks.db')
  }
  return {
    newFile,
    open,
    /** A new, empty database. */
    fresh: () => open(newFile()),
  }
}
