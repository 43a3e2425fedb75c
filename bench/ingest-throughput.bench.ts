import { createHmac } from 'node:crypto'
import { Agent, request as httpRequest } from 'node:http'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { standInEnv } from '../test/support/aws/aws-stand-in.js'
import { BENCH_SECRETS, sequencedBody } from './support/bench-config.js'
import { type ChildServer, startChildServer } from './support/child-server.js'
import { ms, ratio, us } from './support/format.js'
import type { IngestServerMode } from './support/ingest-server.js'

// Ingest throughput, CPU per request and latency over real HTTP (loopback), each server in its own
// child process and autocannon in this one: the ingest app alone (its memory queue, no worker),
// against the minimal Hono equivalent doing the same route's work and a bare node:http 202, all
// measured in the same run; the whole local gateway is reported beside them. Reports numbers;
// asserts nothing.

export const CONNECTIONS = 10
export const WARMUP_SECONDS = 2
export const SECONDS = 5
/** Issue 15's goal for the ingest app alone against the minimal equivalent, printed beside it. */
const GOAL = { throughput: 0.9, cpuPerRequest: 1.3 }

/** Rounds of load runs per route (each round runs every server once, in a fresh process). */
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 3)

export type Target = { name: string; path: string; request: (sequence: number) => Sent }
type Sent = { body: string; headers: Record<string, string> }

const alertmanagerBody = sequencedBody('alertmanager')
const genericBody = sequencedBody('generic')
const BEARER = BENCH_SECRETS.routes.alertmanager?.current as string
const HMAC_SECRET = BENCH_SECRETS.routes['generic-hmac']?.current as string

export const TARGETS: Target[] = [
  {
    name: 'Alertmanager (bearer, 2 alerts per delivery)',
    path: '/hooks/alertmanager',
    request: (sequence) => ({
      body: alertmanagerBody(sequence),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BEARER}` },
    }),
  },
  {
    name: 'generic HMAC-SHA256 (1 alert per delivery)',
    path: '/hooks/generic-hmac',
    request: (sequence) => {
      const body = genericBody(sequence)
      const signature = createHmac('sha256', HMAC_SECRET).update(body).digest('hex')
      return {
        body,
        headers: { 'content-type': 'application/json', 'x-signature': `sha256=${signature}` },
      }
    },
  },
]

type Load = { rps: number; p50: number; p99: number; ok: number; failed: number; total: number }

/** One autocannon run: every request a new delivery (its own sequence number and signature). */
const load = async (url: string, target: Target, seconds: number): Promise<Load> => {
  let sequence = 0
  const result = await autocannon({
    url: `${url}${target.path}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const sent = target.request(sequence++)
          return { ...request, body: sent.body, headers: sent.headers }
        },
      },
    ],
  })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
    total: result.requests.total,
  }
}

/** Mean time a request is in flight when `CONNECTIONS` each keep one outstanding, in ms. */
export const littles = (rps: number) => (rps > 0 ? (CONNECTIONS / rps) * 1000 : 0)

export const measure = async (server: ChildServer, target: Target) => {
  await load(server.url, target, WARMUP_SECONDS)
  return load(server.url, target, SECONDS)
}

/** A measured run with the server's CPU time over it, per request answered, in µs. */
type Run = Load & { cpuPerRequest: number }

const measureWithCpu = async (server: ChildServer, target: Target): Promise<Run> => {
  await load(server.url, target, WARMUP_SECONDS)
  const before = await server.cpu()
  const run = await load(server.url, target, SECONDS)
  const after = await server.cpu()
  return { ...run, cpuPerRequest: run.total > 0 ? (after - before) / run.total : 0 }
}

const PROBES = 2_000

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  )

const summary = (times: number[]) => {
  const sorted = times.slice(times.length / 10).sort((a, b) => a - b) // first tenth: warm-up
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) }
}

/** One POST over a keep-alive agent, timed from send to the last byte of the answer. */
const timedPost = (agent: Agent, url: string, sent: Sent): Promise<number> =>
  new Promise((resolve, reject) => {
    const start = performance.now()
    const request = httpRequest(url, { method: 'POST', agent, headers: sent.headers }, (res) => {
      res.on('data', () => {})
      res.on('end', () => resolve(performance.now() - start))
    })
    request.on('error', reject)
    request.end(sent.body)
  })

/**
 * Latency without load, at microsecond resolution (autocannon's histogram is in whole ms): one
 * keep-alive connection to each server, requests one at a time, going round the servers in an
 * order that turns each round so that drift (GC, JIT, a busy machine) hits them all alike.
 */
const probe = async (urls: string[], target: Target) => {
  const agents = urls.map(() => new Agent({ keepAlive: true, maxSockets: 1 }))
  const times: number[][] = urls.map(() => [])
  try {
    for (let i = 0; i < PROBES; i++) {
      const sent = target.request(1_000_000 + i)
      for (let k = 0; k < urls.length; k++) {
        const index = (i + k) % urls.length
        times[index]?.push(
          await timedPost(agents[index] as Agent, `${urls[index]}${target.path}`, sent),
        )
      }
    }
  } finally {
    for (const agent of agents) agent.destroy()
  }
  return times.map(summary)
}

/** The servers of each round, in the order of even rounds (odd rounds run them in reverse). */
const SERVERS = ['bare', 'minimal', 'ingest', 'gateway'] as const satisfies IngestServerMode[]
type Server = (typeof SERVERS)[number]

const LABEL: Record<Server, string> = {
  bare: 'bare node:http',
  minimal: 'minimal Hono',
  ingest: 'ingest alone',
  gateway: 'full gateway',
}

/** One load run on a fresh server process, stopped afterwards. */
const runFresh = async (mode: Server, target: Target) => {
  let server: ChildServer | undefined = await startChildServer(mode)
  try {
    const run = await measureWithCpu(server, target)
    const stats = await server.stop()
    server = undefined
    return { run, stats }
  } finally {
    await server?.stop()
  }
}

/**
 * One load run of an app that sends to SQS (`minimal-sqs`, `ingest-sqs`), with a fresh SQS
 * stand-in in its own process: the server's CPU is its own work and its SDK client's.
 */
const runFreshWithSqs = async (mode: SqsServer, target: Target) => {
  const standIn = await startChildServer('sqs-stand-in')
  let stats: Record<string, unknown>
  let run: Run
  try {
    const env = { ...standInEnv(standIn), BENCH_QUEUE_URL: standIn.queueUrl as string }
    const server = await startChildServer(mode, env)
    try {
      run = await measureWithCpu(server, target)
    } finally {
      await server.stop()
    }
  } finally {
    stats = await standIn.stop()
  }
  return { run, stats }
}

/**
 * `ROUNDS` rounds of `runOne` over `modes`, each round in an order reversed every other round;
 * the runs of each round, and what each mode's last run stopped with.
 */
const roundsOf = async <Mode extends string>(
  modes: readonly Mode[],
  runOne: (mode: Mode) => Promise<{ run: Run; stats: Record<string, unknown> }>,
) => {
  const rounds: Record<Mode, Run>[] = []
  const stops: Partial<Record<Mode, Record<string, unknown>>> = {}
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? [...modes].reverse() : modes
    const runs: Partial<Record<Mode, Run>> = {}
    for (const mode of order) {
      const { run, stats } = await runOne(mode)
      runs[mode] = run
      stops[mode] = stats
    }
    rounds.push(runs as Record<Mode, Run>)
  }
  return { rounds, stops }
}

const SQS_SERVERS = ['minimal-sqs', 'ingest-sqs'] as const satisfies IngestServerMode[]
type SqsServer = (typeof SQS_SERVERS)[number]

/** The median of per-round ratios, with their range. */
const ratioLine = <Mode extends string>(
  rounds: Record<Mode, Run>[],
  field: 'rps' | 'cpuPerRequest',
) => {
  return (a: Mode, b: Mode) => {
    const each = rounds.map((round) => round[a][field] / round[b][field])
    const low = Math.min(...each).toFixed(2)
    const high = Math.max(...each).toFixed(2)
    return `${median(each).toFixed(2)}× (rounds ${low}–${high})`
  }
}

/**
 * For each target, `ROUNDS` rounds; a round runs every server once, each in a fresh child process
 * (so a queue that no worker drains starts empty each run), warm-up then measured load, in an
 * order reversed every other round. Ratios are taken within a round, then their median is given
 * with their range. Then the four servers, up together, get the interleaved one-at-a-time probe.
 */
export const benchIngestThroughput = async (): Promise<string[]> => {
  const lines = [
    `method: autocannon, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per run, loopback, each server in its own fresh child process per run, every request a distinct signed delivery; ${ROUNDS} rounds per route, each round running every server once (order reversed every other round); ratios taken within a round, median given with the range over rounds; CPU per request = the server process's process.cpuUsage() (user + system, all threads) over the measured run ÷ requests answered; then ${PROBES} sequential requests per server, interleaved, over keep-alive node:http (first tenth discarded)`,
    'baselines: bare node:http (reads the body, answers 202); minimal Hono (Hono on @hono/node-server: declared-length check, body bytes, HMAC-SHA256 or bearer check in constant time, JSON.parse, sha-256 envelope id per alert, push onto an array)',
    'subjects: ingest alone (the ingest app on @hono/node-server with its memory queue; no worker); full gateway (npm start pipeline with the memory queue, the worker and the Halo sandbox)',
  ]
  for (const target of TARGETS) {
    const { rounds, stops } = await roundsOf(SERVERS, (mode) => runFresh(mode, target))
    const servers = await Promise.all(SERVERS.map((mode) => startChildServer(mode)))
    let idle: ReturnType<typeof summary>[]
    try {
      idle = await probe(
        servers.map((server) => server.url),
        target,
      )
    } finally {
      await Promise.all(servers.map((server) => server.stop()))
    }
    const rps = ratioLine(rounds, 'rps')
    const cpu = ratioLine(rounds, 'cpuPerRequest')
    const med = (mode: Server, field: keyof Run) =>
      median(rounds.map((round) => round[mode][field]))
    const at = (mode: Server) => idle[SERVERS.indexOf(mode)] ?? { p50: 0, p99: 0 }
    lines.push(
      `ingest ${target.name}:`,
      `  median throughput: ${SERVERS.map((mode) => `${LABEL[mode]} ${med(mode, 'rps').toFixed(0)} req/s`).join(', ')}`,
      `  median CPU per request: ${SERVERS.map((mode) => `${LABEL[mode]} ${med(mode, 'cpuPerRequest').toFixed(0)} µs`).join(', ')}`,
      `  ingest alone vs minimal Hono: throughput ${rps('ingest', 'minimal')}, CPU per request ${cpu('ingest', 'minimal')} (issue 15's goal: throughput ≥ ${GOAL.throughput}×, CPU per request ≤ ${GOAL.cpuPerRequest}×)`,
      `  minimal Hono vs bare: throughput ${rps('minimal', 'bare')}, CPU per request ${cpu('minimal', 'bare')}`,
      `  ingest alone vs bare: throughput ${rps('ingest', 'bare')}, CPU per request ${cpu('ingest', 'bare')}`,
      `  full gateway vs minimal Hono: throughput ${rps('gateway', 'minimal')}, CPU per request ${cpu('gateway', 'minimal')}; vs bare: throughput ${rps('gateway', 'bare')}`,
      `  latency under load (Little's law, ${CONNECTIONS} connections ÷ median throughput): ${SERVERS.map((mode) => `${LABEL[mode]} ${ms(littles(med(mode, 'rps')))}`).join(', ')}; autocannon p99 (whole ms) ${SERVERS.map((mode) => `${ms(med(mode, 'p99'))}`).join(', ')}`,
      `  latency one request at a time (µs timer) p50 / p99: ${SERVERS.map((mode) => `${LABEL[mode]} ${us(at(mode).p50)} / ${us(at(mode).p99)}`).join(', ')}; ingest alone vs minimal p50 ${ratio(at('ingest').p50, at('minimal').p50)}`,
      `  failed under load: ${SERVERS.map((mode) => `${LABEL[mode]} ${rounds.reduce((sum, round) => sum + round[mode].failed, 0)}`).join(', ')} (of ${rounds.reduce((sum, round) => sum + SERVERS.reduce((all, mode) => all + round[mode].total, 0), 0)}); last stops: ingest ${JSON.stringify(stops.ingest)}, gateway ${JSON.stringify(stops.gateway)}`,
    )
  }
  lines.push(...(await benchWithSqs()))
  return lines
}

/**
 * The same comparison with both apps sending to SQS through the official client, as the deployed
 * ingest function does and as the cold-start bench's minimal equivalent does (`SendMessageBatch`
 * to a local SQS stand-in in a third process): what a request costs on the deployed path.
 */
const benchWithSqs = async (): Promise<string[]> => {
  const lines = [
    'with the official SQS client: the same two apps sending each delivery in one SendMessageBatch (the AWS SDK v3 client, signing and parsing for real) to a local SQS stand-in in its own process, whose CPU is not counted; same rounds, a fresh stand-in per run',
  ]
  for (const target of TARGETS) {
    const { rounds, stops } = await roundsOf(SQS_SERVERS, (mode) => runFreshWithSqs(mode, target))
    const rps = ratioLine(rounds, 'rps')
    const cpu = ratioLine(rounds, 'cpuPerRequest')
    const med = (mode: SqsServer, field: keyof Run) =>
      median(rounds.map((round) => round[mode][field]))
    const failed = (mode: SqsServer) => rounds.reduce((sum, round) => sum + round[mode].failed, 0)
    lines.push(
      `ingest ${target.name}, sending to SQS:`,
      `  median throughput: minimal Hono ${med('minimal-sqs', 'rps').toFixed(0)} req/s, ingest alone ${med('ingest-sqs', 'rps').toFixed(0)} req/s; median CPU per request: ${med('minimal-sqs', 'cpuPerRequest').toFixed(0)} µs, ${med('ingest-sqs', 'cpuPerRequest').toFixed(0)} µs`,
      `  ingest alone vs minimal Hono: throughput ${rps('ingest-sqs', 'minimal-sqs')}, CPU per request ${cpu('ingest-sqs', 'minimal-sqs')} (issue 15's goal: throughput ≥ ${GOAL.throughput}×, CPU per request ≤ ${GOAL.cpuPerRequest}×)`,
      `  failed under load: minimal Hono ${failed('minimal-sqs')}, ingest alone ${failed('ingest-sqs')}; the last run's stand-in: ${JSON.stringify(stops['ingest-sqs'])}`,
    )
  }
  return lines
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchIngestThroughput()) console.log(line)
}
