import { dirname } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runReplayStopped } from '../../../local/replay-stopped.js'
import { LocalStateError } from '../../../shared/errors.js'
import { createSqliteEventQueue } from '../../../shared/queue/sqlite-event-queue.js'
import { envelopeFor } from '../../support/envelopes.js'
import { sqliteFiles } from '../../support/sqlite.js'

const files = sqliteFiles()

/** A data directory whose gateway parked two envelopes and stopped. */
const parkedTwo = async () => {
  const database = files.fresh()
  const queue = createSqliteEventQueue(database.db)
  const [a, b] = [envelopeFor({ key: 'a' }), envelopeFor({ key: 'b' })]
  await queue.send([a, b])
  for (const message of queue.receive(10)) queue.deadLetter(message.receiptHandle, 'unroutable')
  database.close()
  return { dataDir: dirname(database.file), file: database.file, a, b }
}

const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  const lines: string[] = []
  const code = runReplayStopped(argv, env, (line) => lines.push(line))
  return { code, lines }
}

describe('npm run replay-stopped', () => {
  it('lists what was parked and why, and moves nothing without --yes', async () => {
    const { dataDir, file, a } = await parkedTwo()
    const { code, lines } = run([], { HALO_HOOKS_DATA_DIR: dataDir })

    expect(code).toBe(0)
    expect(lines[0]).toBe(`${file}: 2 parked envelope(s)`)
    expect(lines).toContain(`  ${a.id} route=example-hmac key=a firing`)
    expect(lines).toContain('    why: unroutable (after 1 receive(s))')
    expect(lines.at(-1)).toContain('dry run: nothing moved')
    expect(run(['--data-dir', dataDir]).lines[0]).toBe(`${file}: 2 parked envelope(s)`)
  })

  it('moves the ids given back to the queue with --yes, and says which were not parked', async () => {
    const { dataDir, file, b } = await parkedTwo()
    const { code, lines } = run(['--data-dir', dataDir, '--yes', b.id, 'no-such-id'])

    expect(code).toBe(1)
    expect(lines).toContain('not parked: no-such-id')
    expect(lines.at(-1)).toBe(
      'moved 1 envelope(s) back to the queue: the next npm start delivers them',
    )
    const queue = createSqliteEventQueue(files.open(file).db)
    expect(queue.pending()).toEqual([b])
    expect(queue.deadLetters()).toHaveLength(1)
  })

  it('moves every parked envelope with --yes alone', async () => {
    const { dataDir, file } = await parkedTwo()
    expect(run(['--data-dir', dataDir, '--yes']).code).toBe(0)
    expect(createSqliteEventQueue(files.open(file).db).stats()).toEqual({
      queued: 2,
      inFlight: 0,
      deadLettered: 0,
    })
  })

  it('says there is nothing where no gateway kept state, and refuses while a gateway holds it', async () => {
    expect(run(['--data-dir', '/nonexistent/halo-hooks']).lines).toEqual([
      'no local gateway state in /nonexistent/halo-hooks (no halo-hooks.db): nothing was parked there',
    ])
    const { dataDir, file } = await parkedTwo()
    files.open(file, { owner: 'halo-hooks gateway on http://127.0.0.1:8787' })
    expect(() => run(['--data-dir', dataDir])).toThrow(LocalStateError)
  })
})
