import { createHmac } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { BENCH_SECRETS, sequencedBody } from './support/bench-config.js'
import { type ChildServer, startChildServer } from './support/child-server.js'
import { ms, ratio, us } from './support/format.js'

// Ingest throughput and latency through the local gateway over real HTTP (loopback), against a
// bare node:http server answering 202 measured the same way in the same run. The server runs in
// a child process; autocannon drives it from this one. Reports numbers; asserts nothing.

const CONNECTIONS = 10
const WARMUP_SECONDS = 1
const SECONDS = 5

type Target = { name: string; path: string; request: (sequence: number) => Sent }
type Sent = { body: string; headers: Record<string, string> }

const alertmanagerBody = sequencedBody('alertmanager')
const genericBody = sequencedBody('generic')
const BEARER = BENCH_SECRETS.routes.alertmanager?.current as string
const HMAC_SECRET = BENCH_SECRETS.routes['generic-hmac']?.current as string

const TARGETS: Target[] = [
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

type Load = { rps: number; p50: number; p99: number; ok: number; failed: number }

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
  }
}

const PROBES = 2_000

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

/**
 * Latency without load, at microsecond resolution (autocannon's histogram is in whole ms): one
 * keep-alive connection, requests one after another, each timed from send to the end of the body.
 */
const probe = async (url: string, target: Target) => {
  const times: number[] = []
  for (let i = 0; i < PROBES; i++) {
    const sent = target.request(1_000_000 + i)
    const start = performance.now()
    const response = await fetch(`${url}${target.path}`, { method: 'POST', ...sent })
    await response.arrayBuffer()
    times.push(performance.now() - start)
  }
  const sorted = times.slice(PROBES / 10).sort((a, b) => a - b) // first tenth is warm-up
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) }
}

const measure = async (server: ChildServer, target: Target) => {
  await load(server.url, target, WARMUP_SECONDS)
  const loaded = await load(server.url, target, SECONDS)
  return { ...loaded, idle: await probe(server.url, target) }
}

/**
 * For each target: the bare server, then a fresh gateway process, then the bare server again
 * (its two runs averaged, so drift during the run hits the baseline and the gateway alike).
 */
export const benchIngestThroughput = async (): Promise<string[]> => {
  const lines = [
    `method: autocannon, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per run, loopback; server in a child process; every request a distinct signed delivery`,
    'baseline: bare node:http server (reads the body, answers 202) driven identically, run before and after the gateway',
  ]
  for (const target of TARGETS) {
    const bare = await startChildServer('bare')
    const before = await measure(bare, target).finally(() => bare.stop())
    const gateway = await startChildServer('gateway')
    let through: Awaited<ReturnType<typeof measure>>
    let stats: Record<string, unknown>
    try {
      through = await measure(gateway, target)
    } finally {
      stats = await gateway.stop()
    }
    const bareAgain = await startChildServer('bare')
    const after = await measure(bareAgain, target).finally(() => bareAgain.stop())
    const baseline = {
      rps: (before.rps + after.rps) / 2,
      p50: (before.p50 + after.p50) / 2,
      p99: (before.p99 + after.p99) / 2,
      idle: {
        p50: (before.idle.p50 + after.idle.p50) / 2,
        p99: (before.idle.p99 + after.idle.p99) / 2,
      },
    }
    lines.push(
      `ingest ${target.name}:`,
      `  throughput ${through.rps.toFixed(0)} req/s vs bare ${baseline.rps.toFixed(0)} req/s = ${ratio(through.rps, baseline.rps)} of bare`,
      `  latency under that load (autocannon, whole ms): p50 ${ms(through.p50)} vs ${ms(baseline.p50)}; p99 ${ms(through.p99)} vs ${ms(baseline.p99)} = ${ratio(through.p99, baseline.p99)}`,
      `  latency one request at a time (${PROBES} sequential, keep-alive, µs timer): p50 ${us(through.idle.p50)} vs ${us(baseline.idle.p50)} = ${ratio(through.idle.p50, baseline.idle.p50)}; p99 ${us(through.idle.p99)} vs ${us(baseline.idle.p99)} = ${ratio(through.idle.p99, baseline.idle.p99)}`,
      `  gateway answered ${through.ok} × 2xx, ${through.failed} failed; at stop: ${JSON.stringify(stats)} (the worker delivers to the sandbox behind ingest)`,
    )
  }
  return lines
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchIngestThroughput()) console.log(line)
}
