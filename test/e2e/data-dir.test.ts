import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DATA_FILE } from '../../local/local-state.js'
import { MIGRATIONS, openSqliteDatabase } from '../../shared/sqlite-database.js'
import { runNpm, waitForOutput } from '../support/processes.js'

const root = mkdtempSync(join(tmpdir(), 'halo-hooks-data-dir-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** `npm start` on a data directory that cannot be used: it says why and exits 1. */
const refusedStart = async (dataDir: string) => {
  const start = runNpm(['start'], { PORT: '0', HALO_HOOKS_DATA_DIR: dataDir })
  expect(await start.exited).toBe(1)
  expect(start.output()).not.toContain('listening on')
  return start.output()
}

describe('npm start on a data directory it cannot use', () => {
  it('refuses a directory another running gateway holds, naming that gateway', async () => {
    const dataDir = join(root, 'held')
    const first = runNpm(['start'], { PORT: '0', HALO_HOOKS_DATA_DIR: dataDir })
    try {
      const [, url] = await waitForOutput(first, /listening on (http:\/\/\S+)/)
      const output = await refusedStart(dataDir)
      expect(output).toContain(
        `halo-hooks cannot use its data directory ${dataDir} (HALO_HOOKS_DATA_DIR): ${join(dataDir, DATA_FILE)} is in use by another running process (halo-hooks gateway on ${url}, pid `,
      )
      expect(output).toContain('stop that process first, or give this one a data directory')
      expect(first.output()).not.toContain('SIGINT') // the first one carries on
    } finally {
      first.interrupt()
      await first.exited
    }
  })

  it('says a directory that cannot be created cannot be used, and what to set', async () => {
    writeFileSync(join(root, 'a-file'), '')
    const dataDir = join(root, 'a-file', 'state')
    expect(await refusedStart(dataDir)).toContain(
      `halo-hooks cannot use its data directory ${dataDir} (HALO_HOOKS_DATA_DIR): it cannot be created (ENOTDIR): set HALO_HOOKS_DATA_DIR to a directory this user may write, or HALO_HOOKS_DATA_DIR=memory to keep nothing`,
    )
  })

  it('refuses a file written by a newer halo-hooks, leaving it as it is', async () => {
    const dataDir = join(root, 'newer')
    const file = join(dataDir, DATA_FILE)
    const newer = [...MIGRATIONS, 'CREATE TABLE from_the_future (x)']
    mkdirSync(dataDir)
    openSqliteDatabase(file, { owner: 'a newer halo-hooks', migrations: newer }).close()

    expect(await refusedStart(dataDir)).toContain(
      `${file} was written by a newer halo-hooks (schema version ${newer.length}; this one knows up to ${MIGRATIONS.length}): run that newer halo-hooks on it`,
    )
    const untouched = openSqliteDatabase(file, { owner: 'the test', migrations: newer })
    expect(untouched.openedAtVersion).toBe(newer.length)
    untouched.close()
  })
})
