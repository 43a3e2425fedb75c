import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startGateway } from '../local/gateway.js'
import { silentLogger } from '../shared/observability.js'
import type { LocalEventQueue } from '../shared/queue/local-event-queue.js'
import { createMemoryEventQueue } from '../shared/queue/memory-event-queue.js'
import { createSqliteEventQueue } from '../shared/queue/sqlite-event-queue.js'
import { createMemorySecretStore } from '../shared/secrets/memory-secret-store.js'
import { openSqliteDatabase } from '../shared/sqlite-database.js'
import {
  CONNECTIONS,
  littles,
  measure,
  SECONDS,
  TARGETS,
  WARMUP_SECONDS,
} from './ingest-throughput.bench.js'
import {
  BENCH_SECRETS,
  benchCompiled,
  benchIngestApp,
  SAMPLE_SENDERS,
  type SampleSender,
} from './support/bench-config.js'
import { type ChildServer, startChildServer } from './support/child-server.js'
import { kib, mib, ms, ratio, us } from './support/format.js'

// The local gateway's state in a SQLite file (`npm start`'s default) against the same in memory
// (HALO_HOOKS_DATA_DIR=memory): ingest throughput through the whole gateway, measured in the same
// run, and the file's size per 10,000 envelopes, queued and delivered. Reports numbers; asserts
// nothing.

const ENVELOPES = 10_000
const ROUNDS = 2

type Load = Awaited<ReturnType<typeof measure>>

const mean = (loads: Load[], field: 'rps' | 'p50' | 'p99') =>
  loads.reduce((sum, load) => sum + load[field], 0) / loads.length

/**
 * Per target, fresh gateways in child processes, memory and SQLite alternating (M S M S), each
 * driven as the ingest benchmark drives it; the two runs of each are averaged.
 */
const throughput = async (): Promise<string[]> => {
  const lines: string[] = []
  for (const target of TARGETS) {
    const runs: Record<'memory' | 'sqlite', Load[]> = { memory: [], sqlite: [] }
    let fileBytes = 0
    for (let round = 0; round < ROUNDS; round++) {
      for (const [kind, mode] of [
        ['memory', 'gateway'],
        ['sqlite', 'gateway-sqlite'],
      ] as const) {
        let server: ChildServer | undefined = await startChildServer(mode)
        try {
          runs[kind].push(await measure(server, target))
          const stats = await server.stop()
          server = undefined
          if (typeof stats.fileBytes === 'number') fileBytes = Math.max(fileBytes, stats.fileBytes)
        } finally {
          await server?.stop()
        }
      }
    }
    const [memory, sqlite] = [runs.memory, runs.sqlite]
    const accepted = (loads: Load[]) => loads.reduce((sum, load) => sum + load.ok, 0)
    lines.push(
      `ingest ${target.name}:`,
      `  throughput with the SQLite queue ${mean(sqlite, 'rps').toFixed(0)} req/s vs the memory queue ${mean(memory, 'rps').toFixed(0)} req/s = ${ratio(mean(sqlite, 'rps'), mean(memory, 'rps'))}`,
      `  latency under that load: mean ${ms(littles(mean(sqlite, 'rps')))} vs ${ms(littles(mean(memory, 'rps')))} (Little's law); autocannon p99 ${ms(mean(sqlite, 'p99'))} vs ${ms(mean(memory, 'p99'))}`,
      `  accepted ${accepted(sqlite)} (SQLite) and ${accepted(memory)} (memory) deliveries in ${ROUNDS} × ${SECONDS} s; ${sqlite.reduce((sum, load) => sum + load.failed, 0) + memory.reduce((sum, load) => sum + load.failed, 0)} failed; largest file at stop ${mib(fileBytes)} (file + WAL)`,
    )
  }
  return lines
}

/** The shipped generic sample as the delivery of problem `index`: its own id, so its own key. */
const genericProblem = () => {
  const sample = JSON.parse(
    readFileSync(new URL('../local/samples/generic.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>
  const secret = BENCH_SECRETS.routes['generic-hmac']?.current as string
  return (index: number) => {
    const body = JSON.stringify({ ...sample, id: `disk-space-${index}` })
    const signature = createHmac('sha256', secret).update(body).digest('hex')
    return {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-signature': `sha256=${signature}` },
    }
  }
}

/** Bytes the file takes once closed (its WAL checkpointed into it), and the pages in use. */
const closedSize = (file: string) => {
  const database = openSqliteDatabase(file, { owner: 'bench' })
  const pageSize = database.db.pragma('page_size', { simple: true }) as number
  const pages = database.db.pragma('page_count', { simple: true }) as number
  const free = database.db.pragma('freelist_count', { simple: true }) as number
  database.close()
  return { bytes: statSync(file).size, used: (pages - free) * pageSize }
}

/** Fills `queue` through the real ingest app until it holds ENVELOPES; answers the seconds taken. */
const fill = async (queue: LocalEventQueue, sender: SampleSender) => {
  const app = benchIngestApp(queue)
  const started = performance.now()
  // Counted from the answers: a queue's stats() reads every message, which is not ingest's cost.
  for (let sequence = 0, queued = 0; queued < ENVELOPES; sequence++) {
    const response = await app.request(`/hooks/${sender.route}`, sender.request(sequence))
    if (response.status !== 202) throw new Error(`ingest answered ${response.status}`)
    queued += ((await response.json()) as { accepted: number }).accepted
  }
  return (performance.now() - started) / 1000
}

/**
 * Ingest alone (the real ingest app, no HTTP server, no worker) filling a memory queue and a
 * SQLite queue with ENVELOPES envelopes, alternately, ROUNDS times each after a warm-up of each;
 * then the size of the last SQLite file (Halo down: nothing delivered).
 */
const ingestAlone = async (sender: SampleSender) => {
  const dir = mkdtempSync(join(tmpdir(), 'halo-hooks-bench-'))
  try {
    const seconds = { memory: 0, sqlite: 0 }
    let file = ''
    let held = 0
    let json = 0
    for (let round = 0; round <= ROUNDS; round++) {
      const memory = await fill(createMemoryEventQueue(), sender)
      file = join(dir, `round-${round}.db`)
      const database = openSqliteDatabase(file, { owner: 'bench' })
      const queue = createSqliteEventQueue(database.db)
      const sqlite = await fill(queue, sender)
      held = queue.stats().queued
      json = queue
        .pending()
        .reduce((sum, envelope) => sum + Buffer.byteLength(JSON.stringify(envelope)), 0)
      database.close()
      if (round === 0) continue // warm-up
      seconds.memory += memory
      seconds.sqlite += sqlite
    }
    const size = closedSize(file)
    const rate = (total: number) => (held * ROUNDS) / total
    return [
      `ingest alone, ${sender.name}: ${ROUNDS} × ${held} envelopes into each queue`,
      `  ${rate(seconds.sqlite).toFixed(0)} envelopes/s into the SQLite queue vs ${rate(seconds.memory).toFixed(0)} into the memory queue = ${ratio(rate(seconds.sqlite), rate(seconds.memory))} (${us((seconds.sqlite * 1000) / (held * ROUNDS))} vs ${us((seconds.memory * 1000) / (held * ROUNDS))} per envelope)`,
      `  file with ${held} envelopes queued, nothing delivered: ${mib((size.bytes * ENVELOPES) / held)} per ${ENVELOPES} envelopes (${kib(size.bytes / held)} each); the envelopes as JSON: ${mib((json * ENVELOPES) / held)}; file / JSON = ${ratio(size.bytes, json)}`,
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * 10,000 deliveries of distinct problems through the whole gateway (built-in sandbox, a budget
 * that never waits), until the queue is empty: what stays is each problem's correlation record,
 * each envelope's history row and its id for deduplication.
 */
const deliveredSize = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'halo-hooks-bench-'))
  try {
    const gateway = await startGateway({
      compiled: benchCompiled(),
      secrets: createMemorySecretStore(BENCH_SECRETS),
      logger: silentLogger,
      port: 0,
      dataDir: dir,
      budget: { limit: 1_000_000, windowSeconds: 1 },
    })
    const file = gateway.dataFile as string
    const request = genericProblem()
    const started = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let index = next++; index < ENVELOPES; index = next++) {
          const response = await fetch(`${gateway.url}/hooks/generic-hmac`, request(index))
          if (response.status !== 202) throw new Error(`ingest answered ${response.status}`)
        }
      }),
    )
    for (;;) {
      const { queued, inFlight } = gateway.queue.stats()
      if (queued + inFlight === 0) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const seconds = (performance.now() - started) / 1000
    const tickets = gateway.sandbox?.tickets().length ?? 0
    await gateway.close()
    const size = closedSize(file)
    return [
      `file, ${ENVELOPES} distinct problems delivered (${tickets} tickets in ${seconds.toFixed(1)} s, queue empty):`,
      `  ${mib(size.bytes)} per ${ENVELOPES} envelopes (${kib(size.bytes / ENVELOPES)} each): a correlation record, a delivery history row and a deduplication id each; ${mib(size.bytes - size.used)} of it free pages the queue left, reused by the next messages`,
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The SQLite state's cost: ingest throughput against the memory state, and the file's size. */
export const benchSqliteState = async (): Promise<string[]> => {
  return [
    `method (through the gateway): autocannon, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per run, loopback; each gateway a fresh child process with its worker delivering to the built-in sandbox behind ingest (default budget), its state in memory or in a SQLite file in a new temporary directory (WAL, synchronous=NORMAL); memory and SQLite alternate, ${ROUNDS} runs each, averaged`,
    'baseline: the same gateway with HALO_HOOKS_DATA_DIR=memory',
    ...(await throughput()),
    `method (ingest alone, size): the real ingest app called in process (no HTTP, no worker) until the queue holds ${ENVELOPES} envelopes, memory and SQLite alternately, ${ROUNDS} timed rounds each after one untimed; the SQLite file measured closed (WAL checkpointed); then ${ENVELOPES} distinct problems delivered through the whole gateway (built-in sandbox, a budget that never waits) and the file measured again`,
    ...(await ingestAlone(SAMPLE_SENDERS[0] as SampleSender)),
    ...(await ingestAlone(SAMPLE_SENDERS[1] as SampleSender)),
    ...(await deliveredSize()),
  ]
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchSqliteState()) console.log(line)
}
