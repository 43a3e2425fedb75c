import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { bundleFunction, bundleLambda, type LambdaFunctionName } from '../infra/bundling.js'
import { staticGraph } from '../infra/static-graph.js'
import { AWS_ENV } from '../shared/aws-env.js'
import { loadConfigFile } from '../shared/config/load-config-file.js'
import { routeDataOf } from '../shared/config/route-data.js'
import { standInEnv, startAwsStandIn } from '../test/support/aws/aws-stand-in.js'
import {
  COLD_ROUTE,
  COLD_SECRET,
  coldRequestInstructions,
  coldRequestOnce,
  hasValgrind,
  importInstructions,
  importOnce,
  median,
  signedSampleEvent,
  spread,
  type Timing,
  warmRequests,
} from './support/cold-start.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = 9
/** Webhooks each warm run times, after the instance's first. */
const WARM_REQUESTS = 200

// Dummy values: the handlers read env and build SDK clients at import; nothing is called.
const HANDLER_ENV = {
  [AWS_ENV.queueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo',
  [AWS_ENV.deadLetterQueueUrl]: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq.fifo',
  [AWS_ENV.signingSecretId]: 'halo-hooks',
  [AWS_ENV.haloSecretId]: 'halo-hooks-halo',
  [AWS_ENV.tableName]: 'state',
  [AWS_ENV.haloBaseUrl]: 'https://acme.halopsa.com',
  AWS_REGION: 'eu-west-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
}

const BARE_HONO = `import { Hono } from 'hono'
import { handle } from 'hono/aws-lambda'
const app = new Hono()
app.post('/hooks/:route', (c) => c.json({ ok: true }, 202))
export const handler = handle(app)
`

/** Builds a target as the stack builds its functions; the two functions with the root config. */
const bundle = async (target: Target, outdir: string): Promise<string> => {
  if (target.fn) {
    const compiled = await loadConfigFile(join(ROOT, 'halo-hooks.config.ts'))
    return bundleFunction({
      fn: target.fn,
      routes: routeDataOf(compiled, target.fn === 'ingest' ? 'ingest' : 'deliver'),
      outdir,
    })
  }
  return bundleLambda({ entry: target.entry, outdir })
}

/** Bytes of every `.mjs` under `dir` (the entry and its chunks). */
const bytesUnder = (dir: string): number =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.mjs'))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0)

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

const wall = (runs: readonly Timing[]) => runs.map((run) => run.ms)
const cpu = (runs: readonly Timing[]) => runs.map((run) => run.cpuMs)

/** `runs` against `baseline` (same rounds): the ratio of medians, and the range of per-round ratios. */
const ratio = (runs: readonly number[], baseline: readonly number[]) => {
  const paired = runs.map((value, index) => value / (baseline[index] ?? Number.NaN))
  return `${(median(runs) / median(baseline)).toFixed(2)}× (per round ${Math.min(...paired).toFixed(2)}–${Math.max(...paired).toFixed(2)}×)`
}

/** Wall-clock and CPU ratios of `runs` against `baseline`. */
const ratios = (runs: readonly Timing[], baseline: readonly Timing[]) =>
  `${ratio(wall(runs), wall(baseline))}, CPU ${ratio(cpu(runs), cpu(baseline))}`

type Target = { name: string; entry: string; fn?: LambdaFunctionName; minimal?: string }

/**
 * Instructions a cold start spends on each module file it loads, whatever the file holds: ten
 * one-line modules imported from ten files, against the same ten declared in one file. A bundle
 * split into chunks pays it for each chunk in its static graph.
 */
const moduleFileCost = (dir: string, env: Record<string, string>): number => {
  const files = join(dir, 'module-files')
  mkdirSync(files, { recursive: true })
  const ids = Array.from({ length: 10 }, (_, index) => index)
  for (const id of ids)
    writeFileSync(join(files, `m${id}.mjs`), `export const v${id} = () => ${id}\n`)
  const all = `export const all = [${ids.map((id) => `v${id}`).join(', ')}]\n`
  writeFileSync(
    join(files, 'ten.mjs'),
    ids.map((id) => `import { v${id} } from './m${id}.mjs'\n`).join('') + all,
  )
  writeFileSync(
    join(files, 'one.mjs'),
    ids.map((id) => `const v${id} = () => ${id}\n`).join('') + all,
  )
  const rounds = 3
  const ten: number[] = []
  const one: number[] = []
  for (let round = 0; round < rounds; round++) {
    ten.push(importInstructions(join(files, 'ten.mjs'), env))
    one.push(importInstructions(join(files, 'one.mjs'), env))
  }
  return (median(ten) - median(one)) / ids.length
}

/**
 * Bundles the two Lambda handlers, the minimal equivalent of each (bench/minimal/) and a bare Hono
 * handler with the stack's esbuild settings, and reports each bundle's size and cold module
 * initialisation (fresh imports in child processes, interleaved), each function against its
 * minimal equivalent; then ingest's cold first request (process start → 202) against its minimal
 * equivalent's, with SQS and Secrets Manager stand-ins on loopback; and the cost model.
 */
export async function benchLambdaBundles(): Promise<string[]> {
  const dir = join(ROOT, '.tmp', `bench-bundles-${process.pid}`)
  mkdirSync(dir, { recursive: true })
  const standIn = await startAwsStandIn()
  try {
    const bareEntry = join(dir, 'bare-hono.ts')
    writeFileSync(bareEntry, BARE_HONO)
    const targets: Target[] = [
      { name: 'bare hono', entry: bareEntry },
      { name: 'minimal ingest', entry: join(ROOT, 'bench/minimal/ingest-handler.ts') },
      {
        name: 'ingest',
        entry: join(ROOT, 'functions/ingest/handler.ts'),
        fn: 'ingest',
        minimal: 'minimal ingest',
      },
      { name: 'minimal deliver', entry: join(ROOT, 'bench/minimal/deliver-handler.ts') },
      {
        name: 'deliver',
        entry: join(ROOT, 'functions/deliver/handler.ts'),
        fn: 'deliver',
        minimal: 'minimal deliver',
      },
    ]
    const files = new Map<string, string>()
    const lines: string[] = [
      `lambda-bundles module init: fresh import() of each bundle in a new process, ${RUNS} interleaved rounds, median [min–max] of wall-clock and CPU time`,
    ]
    for (const target of targets) {
      files.set(target.name, await bundle(target, join(dir, target.name.replace(/\W+/g, '-'))))
    }
    const init = new Map(targets.map((target) => [target.name, [] as Timing[]]))
    for (const file of files.values()) importOnce(file, HANDLER_ENV) // warm the OS file cache
    for (let round = 0; round < RUNS; round++) {
      for (const target of targets) {
        init.get(target.name)?.push(importOnce(files.get(target.name) ?? '', HANDLER_ENV))
      }
    }
    for (const target of targets) {
      const file = files.get(target.name) ?? ''
      const runs = init.get(target.name) ?? []
      const size = `${kb(statSync(file).size)} (gzip ${kb(gzipSync(readFileSync(file)).length)}; all chunks ${kb(bytesUnder(dirname(file)))})`
      const loaded = staticGraph(file)
      const loadedBytes = loaded.reduce((sum, path) => sum + statSync(path).size, 0)
      let line = `lambda-bundles   ${target.name.padEnd(16)} ${size.padEnd(48)} init loads ${loaded.length} file${loaded.length === 1 ? '' : 's'}, ${kb(loadedBytes)}; init ${spread(wall(runs))}, CPU ${spread(cpu(runs))}`
      if (target.minimal) {
        line += ` → ${ratios(runs, init.get(target.minimal) ?? [])} its minimal equivalent`
      }
      lines.push(line)
    }

    // Ingest's cold first request: Node's start, module init and one signed webhook to 202.
    standIn.on('GetSecretValue', {
      output: {
        SecretString: JSON.stringify({ routes: { [COLD_ROUTE]: { current: COLD_SECRET } } }),
      },
    })
    const coldEnv = {
      ...HANDLER_ENV,
      ...standInEnv(standIn),
      [AWS_ENV.queueUrl]: standIn.queueUrl('cold.fifo'),
      MINIMAL_HMAC_SECRET: COLD_SECRET,
    }
    const event = signedSampleEvent(ROOT)
    const cold = { minimal: [] as Timing[], ingest: [] as Timing[] }
    for (let round = -1; round < RUNS; round++) {
      for (const [name, key] of [
        ['minimal ingest', 'minimal'],
        ['ingest', 'ingest'],
      ] as const) {
        const result = await coldRequestOnce(files.get(name) ?? '', event, coldEnv)
        if (result.status !== 202) {
          throw new Error(`${name} answered ${result.status}: ${result.body}`)
        }
        if (round >= 0) cold[key].push(result) // round -1 warms the OS file cache
      }
    }
    lines.push(
      `lambda-bundles ingest cold first request (process start → 202; SQS and Secrets Manager stand-ins on loopback; ${RUNS} interleaved rounds): ` +
        `ingest ${spread(wall(cold.ingest))}, CPU ${spread(cpu(cold.ingest))}; minimal ingest ${spread(wall(cold.minimal))}, CPU ${spread(cpu(cold.minimal))} → ${ratios(cold.ingest, cold.minimal)}`,
      `lambda-bundles sent to the SQS stand-in: ${standIn.calls('SendMessageBatch').length + standIn.calls('SendMessage').length} calls; secret reads: ${standIn.calls('GetSecretValue').length}`,
    )

    // Per webhook once the instance runs, on the path production takes (the Lambda handler, the
    // SQS client): what the ingest-only section measures on the local server instead.
    const warm = { minimal: [] as Timing[], ingest: [] as Timing[] }
    for (let round = 0; round < RUNS; round++) {
      for (const [name, key] of [
        ['minimal ingest', 'minimal'],
        ['ingest', 'ingest'],
      ] as const) {
        const file = files.get(name) ?? ''
        warm[key].push(await warmRequests(file, event, COLD_SECRET, WARM_REQUESTS, coldEnv))
      }
    }
    const micros = (runs: readonly number[]) =>
      `${(median(runs) * 1000).toFixed(0)} µs [${(Math.min(...runs) * 1000).toFixed(0)}–${(Math.max(...runs) * 1000).toFixed(0)}]`
    lines.push(
      `lambda-bundles ingest warm invocations (${WARM_REQUESTS} signed webhooks after an instance's first; SQS stand-in on loopback; ${RUNS} interleaved rounds, median per invocation): ` +
        `ingest ${micros(wall(warm.ingest))}, CPU ${micros(cpu(warm.ingest))}; minimal ingest ${micros(wall(warm.minimal))}, CPU ${micros(cpu(warm.minimal))} → ${ratios(warm.ingest, warm.minimal)}`,
    )

    // The same three figures as instructions executed (callgrind), which the machine's other load
    // does not move: the check on a ratio that CPU time on a shared machine can only bracket.
    if (hasValgrind()) {
      const empty = join(dir, 'empty.mjs')
      writeFileSync(empty, '')
      // V8 compiles and collects on helper threads too, so a single count moves by a few per cent
      // of a module's init: the median of a few rounds, interleaved.
      const rounds = Number(process.env.BENCH_CALLGRIND_ROUNDS ?? 3)
      const names = ['minimal ingest', 'ingest', 'minimal deliver', 'deliver'] as const
      const counts = new Map<string, number[]>([
        ['empty', []],
        ...names.map((name) => [name, []] as [string, number[]]),
      ])
      const cold = { minimal: [] as number[], ingest: [] as number[] }
      for (let round = 0; round < rounds; round++) {
        counts.get('empty')?.push(importInstructions(empty, HANDLER_ENV))
        for (const name of names)
          counts.get(name)?.push(importInstructions(files.get(name) ?? '', HANDLER_ENV))
        cold.minimal.push(
          await coldRequestInstructions(files.get('minimal ingest') ?? '', event, coldEnv),
        )
        cold.ingest.push(await coldRequestInstructions(files.get('ingest') ?? '', event, coldEnv))
      }
      // Whole processes, compared as they are: a bare Node's own start (the empty import) moves by
      // more between runs than the bundles differ, so it is shown, not subtracted.
      const of = (name: string) => median(counts.get(name) ?? [])
      const millions = (count: number) => `${(count / 1e6).toFixed(1)} M`
      lines.push(
        `lambda-bundles instructions (valgrind callgrind, median of ${rounds} interleaved runs, whole process; a bare Node importing an empty module: ${millions(of('empty'))}):`,
      )
      for (const [name, minimal] of [
        ['ingest', 'minimal ingest'],
        ['deliver', 'minimal deliver'],
      ] as const) {
        const [base, own] = [of(minimal), of(name)]
        lines.push(
          `lambda-bundles   ${name.padEnd(8)} process start → module loaded ${millions(own)} against ${millions(base)}: ${(own / base).toFixed(3)}×, ${millions(own - base)} more than its minimal equivalent`,
        )
      }
      const [base, own] = [median(cold.minimal), median(cold.ingest)]
      lines.push(
        `lambda-bundles   ingest   process start → 202 (cold first request) ${millions(own)} against ${millions(base)}: ${(own / base).toFixed(3)}×, ${millions(own - base)} more`,
        `lambda-bundles   one more module file at init (ten tiny modules imported from ten files against from one): ${millions(moduleFileCost(dir, HANDLER_ENV))}`,
      )
    } else {
      lines.push('lambda-bundles instructions: valgrind is not installed; CPU time only')
    }
    return lines
  } finally {
    await standIn.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchLambdaBundles()) console.log(line)
}
