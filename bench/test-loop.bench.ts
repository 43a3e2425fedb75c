import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { median } from './support/cold-start.js'
import { ratio } from './support/format.js'

// How long `npm test` takes (typecheck, lint and every test suite), against the same tests with
// Vitest's defaults for isolation and pool (every file in a fresh module graph, in a process of
// its own), which is how the suite ran before the developer-loop work of issue 15. Rounds are
// interleaved; medians are reported. Each command runs after the other has filled the caches.

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const ROUNDS = Number(process.env.BENCH_TEST_ROUNDS ?? 1)
const bin = (name: string) =>
  fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url))

type Command = { label: string; command: string; args: string[] }

const COMMANDS: Command[] = [
  { label: 'npm test', command: 'npm', args: ['test', '--silent'] },
  {
    label: 'vitest, isolated files (before)',
    command: bin('vitest'),
    args: ['run', '--isolate', '--pool=forks'],
  },
]

/** CPU seconds of this process's waited-for children (Linux; `undefined` elsewhere). */
const childrenCpuSeconds = (): number | undefined => {
  if (!existsSync('/proc/self/stat')) return undefined
  // The fields after the command name, which is in parentheses and may hold spaces.
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? []
  // cutime and cstime are fields 16 and 17 of the file, in clock ticks (100 a second on Linux).
  return (Number(fields[13]) + Number(fields[14])) / 100
}

type Run = { seconds: number; cpuSeconds?: number; tests?: string }

const timed = (command: Command): Promise<Run> =>
  new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuSeconds()
    const started = performance.now()
    const child = spawn(command.command, command.args, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('error', reject)
    child.once('close', (code) => {
      const seconds = (performance.now() - started) / 1000
      if (code !== 0) {
        reject(new Error(`${command.label} exited ${code}:\n${output.slice(-2000)}`))
        return
      }
      const cpuAfter = childrenCpuSeconds()
      resolve({
        seconds,
        cpuSeconds:
          cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
        tests: /Tests\s+(\d+ passed)/.exec(output)?.[1],
      })
    })
  })

const seconds = (value: number) => `${value.toFixed(1)} s`

export const benchTestLoop = async (): Promise<string[]> => {
  const runs = new Map<string, Run[]>(COMMANDS.map((command) => [command.label, []]))
  for (let round = 0; round < ROUNDS; round++) {
    for (const command of round % 2 === 0 ? COMMANDS : [...COMMANDS].reverse()) {
      runs.get(command.label)?.push(await timed(command))
    }
  }
  const wallOf = (label: string) => median((runs.get(label) ?? []).map((run) => run.seconds))
  const baseline = wallOf(COMMANDS[1]?.label ?? '')
  return [
    `wall time of the whole command, median of ${ROUNDS} interleaved round(s) (BENCH_TEST_ROUNDS); CPU is user + system of every process it started:`,
    ...COMMANDS.map((command) => {
      const list = runs.get(command.label) ?? []
      const cpu = list.map((run) => run.cpuSeconds).filter((value) => value !== undefined)
      const range =
        list.length > 1 ? `  (${list.map((run) => seconds(run.seconds)).join(', ')})` : ''
      return `  ${command.label.padEnd(32)} ${seconds(wallOf(command.label)).padStart(8)}${range}  CPU ${cpu.length ? seconds(median(cpu)) : 'n/a'}  ${list[0]?.tests ?? ''} tests  ${ratio(wallOf(command.label), baseline)} the isolated run`
    }),
    'goal: npm test in ≤ 60 s on the 2-core machine, with the same tests',
  ]
}
