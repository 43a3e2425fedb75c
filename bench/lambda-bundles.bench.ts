import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { LAMBDA_BUNDLING } from '../infra/bundling.js'
import { AWS_ENV } from '../shared/aws-env.js'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = 9

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

const bundle = async (entry: string, outfile: string) => {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: LAMBDA_BUNDLING.format,
    target: LAMBDA_BUNDLING.target,
    platform: LAMBDA_BUNDLING.platform,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourcemap,
    keepNames: LAMBDA_BUNDLING.keepNames,
    external: [...LAMBDA_BUNDLING.external],
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
    logLevel: 'silent',
  })
}

/** Time of one `import()` of the bundle in a fresh Node process (module init, as a cold start). */
const importOnce = (file: string): number => {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); process.stdout.write(String(performance.now() - t))`
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, ...HANDLER_ENV },
    encoding: 'utf8',
  })
  if (child.status !== 0) throw new Error(`import of ${file} failed:\n${child.stderr}`)
  return Number(child.stdout)
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`

/**
 * AWS list prices (USD, us-east-1, on-demand, checked 2026-11) and the per-event usage the cost
 * model assumes. docs/deploy.md explains each assumption.
 */
export const PRICES = {
  httpApiPerMillion: 1.0,
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequestsPerMillion: 0.2,
  sqsFifoRequestsPerMillion: 0.5,
  dynamoWriteUnitsPerMillion: 0.625,
  dynamoReadUnitsPerMillion: 0.125,
  logsIngestPerGb: 0.5,
  transferOutPerGb: 0.09,
} as const

export const USAGE = {
  memoryGb: 0.5,
  ingestSeconds: 0.05,
  deliverSeconds: 0.6,
  /** Envelopes per SQS batch the deliver function receives (1 = quiet traffic, the worst case). */
  batchSize: 1,
  haloRequestsPerEvent: 2,
  /** The budget item (≤ 250 timestamps) is ~3 KB: 1 RRU to read strongly, 3 WRU to write. */
  budgetReadUnits: 1,
  budgetWriteUnits: 3,
  correlationReadUnits: 1,
  correlationWriteUnits: 1,
  /** The envelope's outcome in the delivery history: one put of an item under 1 KB. */
  historyWriteUnits: 1,
  logBytesPerEvent: 3_000,
  bytesToHaloPerEvent: 2_000,
} as const

/** Cost of one million events, per service, from {@link PRICES} and {@link USAGE}. */
export const costPerMillionEvents = (usage = USAGE, prices = PRICES) => {
  const million = 1_000_000
  const gbSeconds = usage.memoryGb * (usage.ingestSeconds + usage.deliverSeconds) * million
  const lambdaInvocations = million + million / usage.batchSize
  // Send (one batch per webhook), then receive and delete once per deliver batch.
  const sqsRequests = million + (2 * million) / usage.batchSize
  const readUnits =
    (usage.haloRequestsPerEvent * usage.budgetReadUnits + usage.correlationReadUnits) * million
  const writeUnits =
    (usage.haloRequestsPerEvent * usage.budgetWriteUnits +
      usage.correlationWriteUnits +
      usage.historyWriteUnits) *
    million
  const lines = {
    'API Gateway HTTP API': prices.httpApiPerMillion,
    Lambda:
      gbSeconds * prices.lambdaArmGbSecond +
      (lambdaInvocations / million) * prices.lambdaRequestsPerMillion,
    'SQS FIFO': (sqsRequests / million) * prices.sqsFifoRequestsPerMillion,
    DynamoDB:
      (readUnits / million) * prices.dynamoReadUnitsPerMillion +
      (writeUnits / million) * prices.dynamoWriteUnitsPerMillion,
    'CloudWatch Logs': ((usage.logBytesPerEvent * million) / 1e9) * prices.logsIngestPerGb,
    'Data transfer to Halo':
      ((usage.bytesToHaloPerEvent * million) / 1e9) * prices.transferOutPerGb,
  }
  const total = Object.values(lines).reduce((sum, value) => sum + value, 0)
  return { lines, total }
}

/**
 * Bundles the two Lambda handlers and a bare Hono handler with the stack's esbuild settings, and
 * reports each bundle's size and its cold module-initialisation time (median of fresh imports in
 * child processes), plus the cost model per million events.
 */
export async function benchLambdaBundles(): Promise<string[]> {
  const dir = join(ROOT, '.tmp', `bench-bundles-${process.pid}`)
  mkdirSync(dir, { recursive: true })
  try {
    const bareEntry = join(dir, 'bare-hono.ts')
    writeFileSync(bareEntry, BARE_HONO)
    const targets = [
      { name: 'bare hono (baseline)', entry: bareEntry },
      { name: 'ingest', entry: join(ROOT, 'functions/ingest/handler.ts') },
      { name: 'deliver', entry: join(ROOT, 'functions/deliver/handler.ts') },
    ]
    const results: Array<{ name: string; bytes: number; gzip: number; initMs: number }> = []
    for (const target of targets) {
      const outfile = join(dir, target.name.replace(/\W+/g, '-'), 'index.mjs')
      await bundle(target.entry, outfile)
      const bytes = statSync(outfile).size
      const gzip = gzipSync(readFileSync(outfile)).length
      importOnce(outfile) // warm the OS file cache, not the module (each run is a new process)
      const initMs = median(Array.from({ length: RUNS }, () => importOnce(outfile)))
      results.push({ name: target.name, bytes, gzip, initMs })
    }
    const baseline = results[0] as (typeof results)[number]
    const lines = results.map(
      (r) =>
        `lambda-bundles ${r.name.padEnd(20)} ${kb(r.bytes).padStart(9)} (gzip ${kb(r.gzip)}), ` +
        `module init median ${r.initMs.toFixed(1)} ms of ${RUNS}` +
        (r === baseline
          ? ''
          : ` (${(r.bytes / baseline.bytes).toFixed(1)}× size, +${(r.initMs - baseline.initMs).toFixed(1)} ms vs bare hono)`),
    )
    lines.push(
      'lambda-bundles note: @aws-sdk/* is external (the Node.js 24 runtime provides it) and is imported from node_modules here',
    )
    const cost = costPerMillionEvents()
    lines.push(
      `lambda-bundles cost per million events: $${cost.total.toFixed(2)} (${Object.entries(
        cost.lines,
      )
        .map(([name, usd]) => `${name} $${usd.toFixed(2)}`)
        .join(', ')}); assumptions in docs/deploy.md`,
    )
    return lines
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchLambdaBundles()) console.log(line)
}
