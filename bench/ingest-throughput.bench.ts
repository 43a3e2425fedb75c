import { createHmac } from 'node:crypto'
import { Agent, request as httpRequest } from 'node:http'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { BENCH_SECRETS, sequencedBody } from './support/bench-config.js'
import { type ChildServer, startChildServer } from './support/child-server.js'
import { ms, ratio, us } from './support/format.js'

// Ingest throughput and latency through the local gateway over real HTTP (loopback), against a
// bare node:http server answering 202 measured the same way in the same run. The server runs in
// a child process; autocannon drives it from this one. Reports numbers; asserts nothing.

export const CONNECTIONS = 10
export const WARMUP_SECONDS = 1
export const SECONDS = 5

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

/** Mean time a request is in flight when `CONNECTIONS` each keep one outstanding, in ms. */
export const littles = (rps: number) => (rps > 0 ? (CONNECTIONS / rps) * 1000 : 0)

const PROBES = 2_000

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0

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
 * keep-alive connection to each server, requests one at a time, alternating between the gateway
 * and the bare server round by round so that drift (GC, JIT, a busy machine) hits both alike.
 */
const probe = async (gatewayUrl: string, bareUrl: string, target: Target) => {
  const agents = [new Agent({ keepAlive: true, maxSockets: 1 }), new Agent({ keepAlive: true })]
  const [gatewayAgent, bareAgent] = agents as [Agent, Agent]
  const gateway: number[] = []
  const bare: number[] = []
  try {
    for (let i = 0; i < PROBES; i++) {
      const sent = target.request(1_000_000 + i)
      if (i % 2) {
        gateway.push(await timedPost(gatewayAgent, `${gatewayUrl}${target.path}`, sent))
        bare.push(await timedPost(bareAgent, `${bareUrl}${target.path}`, sent))
      } else {
        bare.push(await timedPost(bareAgent, `${bareUrl}${target.path}`, sent))
        gateway.push(await timedPost(gatewayAgent, `${gatewayUrl}${target.path}`, sent))
      }
    }
  } finally {
    for (const agent of agents) agent.destroy()
  }
  return { gateway: summary(gateway), bare: summary(bare) }
}

export const measure = async (server: ChildServer, target: Target) => {
  await load(server.url, target, WARMUP_SECONDS)
  return load(server.url, target, SECONDS)
}

/**
 * For each target, a bare server and a fresh gateway, each in its own process: load on the bare
 * server, on the gateway, on the bare server again (its two runs averaged, so drift hits the
 * baseline and the gateway alike), then the interleaved one-at-a-time latency probe.
 */
export const benchIngestThroughput = async (): Promise<string[]> => {
  const lines = [
    `method: autocannon, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per run, loopback, each server in its own child process, every request a distinct signed delivery; then ${PROBES} sequential requests per server, interleaved, over keep-alive node:http (first tenth discarded)`,
    'baseline: bare node:http server (reads the body, answers 202) driven identically, load run before and after the gateway',
  ]
  for (const target of TARGETS) {
    const bare = await startChildServer('bare')
    let gateway: ChildServer | undefined
    let stats: Record<string, unknown> = {}
    try {
      const before = await measure(bare, target)
      gateway = await startChildServer('gateway')
      const through = await measure(gateway, target)
      const after = await measure(bare, target)
      const idle = await probe(gateway.url, bare.url, target)
      stats = await gateway.stop()
      gateway = undefined
      const baseline = {
        rps: (before.rps + after.rps) / 2,
        p50: (before.p50 + after.p50) / 2,
        p99: (before.p99 + after.p99) / 2,
      }
      lines.push(
        `ingest ${target.name}:`,
        `  throughput ${through.rps.toFixed(0)} req/s vs bare ${baseline.rps.toFixed(0)} req/s = ${ratio(through.rps, baseline.rps)} of bare`,
        `  latency under that load: mean ${ms(littles(through.rps))} vs ${ms(littles(baseline.rps))} = ${ratio(littles(through.rps), littles(baseline.rps))} (Little's law: ${CONNECTIONS} connections ÷ throughput); autocannon p50 ${ms(through.p50)} vs ${ms(baseline.p50)}, p99 ${ms(through.p99)} vs ${ms(baseline.p99)} (whole ms: a 0 means under 1 ms)`,
        `  latency one request at a time (µs timer): p50 ${us(idle.gateway.p50)} vs ${us(idle.bare.p50)} = ${ratio(idle.gateway.p50, idle.bare.p50)}; p99 ${us(idle.gateway.p99)} vs ${us(idle.bare.p99)} = ${ratio(idle.gateway.p99, idle.bare.p99)}`,
        `  gateway answered ${through.ok} × 2xx, ${through.failed} failed under load; at stop: ${JSON.stringify(stats)} (the worker delivers to the sandbox behind ingest)`,
      )
    } finally {
      await gateway?.stop()
      await bare.stop()
    }
  }
  return lines
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchIngestThroughput()) console.log(line)
}
