import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ms, ratio } from './support/format.js'

// How long `npm start` takes to listen, against a bare node:http server started the same way
// (a process, then a line on stdout once listening) and against the same gateway run through
// tsx, as it was before the cached bundle. Rounds are interleaved so load on the machine falls
// on every command alike; medians are reported.

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ROUNDS = 7

const BARE_SERVER = `require('node:http').createServer((q, s) => s.end()).listen(0, '127.0.0.1', () => console.log('listening on'))`

type Command = { label: string; argv: string[] }

const COMMANDS: Command[] = [
  { label: 'bare node:http', argv: ['node', '-e', BARE_SERVER] },
  { label: 'npm start', argv: ['npm', 'start', '--silent'] },
  { label: 'node local/launch.mjs', argv: ['node', 'local/launch.mjs'] },
  { label: 'tsx local/start.ts (before)', argv: ['node', '--import', 'tsx', 'local/start.ts'] },
]

/** Milliseconds from spawning `argv` to its first "listening on" line; the process is then killed. */
const timeToListen = (argv: string[], dataDir: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const [command = 'node', ...args] = argv
    const child = spawn(command, args, {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: '0', HALO_HOOKS_DATA_DIR: dataDir },
    })
    let output = ''
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (!output.includes('listening on')) return
      const elapsed = performance.now() - started
      child.stdout.off('data', onData)
      child.once('exit', () => resolve(elapsed))
      if (child.pid) process.kill(-child.pid, 'SIGKILL')
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('exit', (code) => {
      if (!output.includes('listening on'))
        reject(new Error(`${argv.join(' ')} exited ${code}: ${output}`))
    })
  })

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

export const benchLocalStart = async (): Promise<string[]> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'halo-hooks-start-bench-'))
  try {
    const startTs = join(ROOT, 'local', 'start.ts')
    // The first start after a source file changed builds the bundle again: time that once.
    const now = new Date()
    utimesSync(startTs, now, now)
    const rebuild = await timeToListen(['node', 'local/launch.mjs'], join(dataDir, 'rebuild'))
    const times = new Map<string, number[]>(COMMANDS.map((command) => [command.label, []]))
    for (let round = 0; round < ROUNDS; round++) {
      for (const command of COMMANDS) {
        const elapsed = await timeToListen(command.argv, join(dataDir, `${round}`))
        times.get(command.label)?.push(elapsed)
      }
    }
    const bare = median(times.get('bare node:http') ?? [])
    return [
      `time from process start to "listening on", median of ${ROUNDS} interleaved rounds, SQLite state in a new data directory:`,
      ...COMMANDS.map((command) => {
        const values = times.get(command.label) ?? []
        const range = `${ms(Math.min(...values))}–${ms(Math.max(...values))}`
        return `  ${command.label.padEnd(30)} ${ms(median(values)).padStart(9)}  (${range})  ${ratio(median(values), bare)} bare`
      }),
      `  first start after an edit (bundle rebuilt): ${ms(rebuild)}`,
      'goal: npm start listening in ≤ 600 ms',
    ]
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}
