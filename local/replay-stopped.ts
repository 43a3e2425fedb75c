import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { envelopeKey } from '../shared/envelope.js'
import { createSqliteEventQueue } from '../shared/queue/sqlite-event-queue.js'
import { openSqliteDatabase } from '../shared/sqlite-database.js'
import { DATA_FILE, DEFAULT_DATA_DIR } from './local-state.js'

const USAGE = `npm run replay-stopped -- [options] [envelope id ...]
  Lists the envelopes the local gateway parked (id, route, key, why; never payloads), then with
  --yes moves them back to its queue: all of them, or the ids given. The next npm start delivers
  them. Run it while the gateway is stopped: a running gateway holds its data directory.

  --data-dir <dir>   the gateway's data directory [HALO_HOOKS_DATA_DIR, else ${DEFAULT_DATA_DIR}]
  --yes              move them (without it nothing is moved: a dry run)`

/**
 * `npm run replay-stopped`: the local gateway's dead letters, previewed and (with `--yes`) moved
 * back to its queue, as `npm run replay` does for the deployed dead-letter queue. Resolves with
 * the exit code.
 */
export const runReplayStopped = (
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  out: (line: string) => void,
): number => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      'data-dir': { type: 'string' },
      yes: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  })
  if (values.help) {
    out(USAGE)
    return 0
  }
  const dataDir = values['data-dir'] ?? env.HALO_HOOKS_DATA_DIR ?? DEFAULT_DATA_DIR
  const file = resolve(dataDir, DATA_FILE)
  if (!existsSync(file)) {
    out(`no local gateway state in ${resolve(dataDir)} (no ${DATA_FILE}): nothing was parked there`)
    return 1
  }
  const database = openSqliteDatabase(file, { owner: 'npm run replay-stopped' })
  try {
    const queue = createSqliteEventQueue(database.db)
    const parked = queue.deadLetters()
    out(`${file}: ${parked.length} parked envelope(s)`)
    for (const { envelope, reason, receiveCount } of parked) {
      out(
        `  ${envelope.id} route=${envelope.route} key=${envelopeKey(envelope)}${envelope.v === 1 ? ` ${envelope.alert.status}` : ''}`,
      )
      out(`    why: ${reason} (after ${receiveCount} receive(s))`)
    }
    const chosen = positionals.length ? positionals : parked.map(({ envelope }) => envelope.id)
    const unknown = chosen.filter((id) => !parked.some(({ envelope }) => envelope.id === id))
    for (const id of unknown) out(`not parked: ${id}`)
    if (!values.yes) {
      out('dry run: nothing moved. Fix the cause, then run again with --yes to move them back.')
      return unknown.length ? 1 : 0
    }
    const moved = chosen.filter((id) => queue.redrive(id)).length
    out(`moved ${moved} envelope(s) back to the queue: the next npm start delivers them`)
    return unknown.length ? 1 : 0
  } finally {
    database.close()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    process.exitCode = runReplayStopped(process.argv.slice(2), process.env, (line) =>
      process.stdout.write(`${line}\n`),
    )
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
    process.exitCode = 1
  }
}
