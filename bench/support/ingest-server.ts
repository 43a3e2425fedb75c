import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SQSClient } from '@aws-sdk/client-sqs'
import { serve } from '@hono/node-server'
import { createIngestApp } from '../../functions/ingest/app.js'
import { startGateway } from '../../local/gateway.js'
import { silentLogger } from '../../shared/observability.js'
import type { EventQueue } from '../../shared/queue/event-queue.js'
import { createMemoryEventQueue } from '../../shared/queue/memory-event-queue.js'
import { createSqsEventQueue } from '../../shared/queue/sqs-event-queue.js'
import { createMemorySecretStore } from '../../shared/secrets/memory-secret-store.js'
import { startAwsStandIn } from '../../test/support/aws/aws-stand-in.js'
import { BENCH_SECRETS, benchCompiled } from './bench-config.js'
import { createMinimalIngestApp, type Queued, sqsEnqueue } from './minimal-ingest.js'

// A server for the ingest benchmark, run in its own process so that the load generator and the
// server do not share an event loop. `gateway`: the whole local pipeline (`npm start` with the
// Halo sandbox, logging off) with its state in memory; `gateway-sqlite`: the same with its state
// in a SQLite file in a new temporary data directory (removed at exit), as `npm start` keeps it.
// `ingest`: the ingest app alone (its memory queue, no worker, no sandbox) on @hono/node-server.
// `minimal`: the minimal Hono equivalent of the ingest app (`minimal-ingest.ts`), the baseline of
// `ingest`. `bare`: node:http reading the body and answering 202. `ingest-sqs` and `minimal-sqs`:
// the same two apps sending to SQS with the official client, as the deployed function does, at
// the SQS stand-in that `sqs-stand-in` serves (its queue URL in `BENCH_QUEUE_URL`, its endpoint
// in the SDK's `AWS_ENDPOINT_URL_SQS`).
// Prints `READY <url>` once listening; SIGTERM prints `STATS <json>` and exits. Over its IPC
// channel it answers `cpu` with `process.cpuUsage()`, so the parent can take CPU per request.

const mode = process.argv[2]

const startBare = async () => {
  const server = createServer((request, response) => {
    request.on('data', () => {})
    request.on('end', () => {
      response.writeHead(202, { 'content-type': 'application/json' })
      response.end('{"accepted":1,"ids":["bare"]}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({}),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

const startPipeline = async (sqlite: boolean) => {
  const dataDir = sqlite ? mkdtempSync(join(tmpdir(), 'halo-hooks-bench-')) : 'memory'
  const gateway = await startGateway({
    compiled: benchCompiled(),
    secrets: createMemorySecretStore(BENCH_SECRETS),
    logger: silentLogger,
    port: 0,
    hostname: '127.0.0.1',
    dataDir,
  })
  const size = (file: string) => (existsSync(file) ? statSync(file).size : 0)
  const fileBytes = () =>
    gateway.dataFile ? { fileBytes: size(gateway.dataFile) + size(`${gateway.dataFile}-wal`) } : {}
  return {
    url: gateway.url,
    stats: () => ({
      ...gateway.queue.stats(),
      tickets: gateway.sandbox?.tickets().length ?? 0,
      ...fileBytes(),
    }),
    close: async () => {
      await gateway.close()
      if (sqlite) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** A Hono app on @hono/node-server, as `npm start` serves the gateway. */
const startHono = async (
  app: { fetch: (request: Request) => Response | Promise<Response> },
  stats: () => Record<string, unknown>,
) => {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    )
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The queue URL of the SQS stand-in the `-sqs` modes send to. */
const standInQueueUrl = () => {
  const url = process.env.BENCH_QUEUE_URL
  if (!url) throw new Error('the -sqs modes need BENCH_QUEUE_URL (the SQS stand-in)')
  return url
}

const startIngest = (queue: EventQueue & { stats?: () => Record<string, unknown> }) => {
  const app = createIngestApp({
    routes: benchCompiled().routes,
    queue,
    secrets: createMemorySecretStore(BENCH_SECRETS),
    now: () => new Date(),
    logger: silentLogger,
  })
  return startHono(app, () => queue.stats?.() ?? {})
}

const startMinimal = () => {
  const queue: Queued[] = []
  const push = (items: Queued[]) => {
    queue.push(...items)
  }
  return startHono(createMinimalIngestApp(push), () => ({ queued: queue.length }))
}

/** The SQS stand-in (in its own process, so that its work is not counted as the server's). */
const startSqsStandIn = async () => {
  const standIn = await startAwsStandIn()
  return {
    url: standIn.url,
    queueUrl: standIn.queueUrl('bench.fifo'),
    stats: () => ({ sent: standIn.calls('SendMessageBatch').length }),
    close: () => standIn.close(),
  }
}

const MODES = [
  'bare',
  'minimal',
  'ingest',
  'gateway',
  'gateway-sqlite',
  'minimal-sqs',
  'ingest-sqs',
  'sqs-stand-in',
] as const
export type IngestServerMode = (typeof MODES)[number]

type Server = {
  url: string
  queueUrl?: string
  stats: () => Record<string, unknown>
  close: () => Promise<void>
}

const main = async () => {
  if (!MODES.includes(mode as IngestServerMode)) {
    throw new Error(`usage: ingest-server.ts ${MODES.join('|')}`)
  }
  const start: Record<IngestServerMode, () => Promise<Server>> = {
    bare: startBare,
    minimal: startMinimal,
    ingest: () => startIngest(createMemoryEventQueue()),
    gateway: () => startPipeline(false),
    'gateway-sqlite': () => startPipeline(true),
    'minimal-sqs': () =>
      startHono(
        createMinimalIngestApp(sqsEnqueue(new SQSClient({}), standInQueueUrl())),
        () => ({}),
      ),
    'ingest-sqs': () => startIngest(createSqsEventQueue(new SQSClient({}), standInQueueUrl())),
    'sqs-stand-in': startSqsStandIn,
  }
  const server = await start[mode as IngestServerMode]()
  process.on('message', (message) => {
    if (message === 'cpu') process.send?.({ cpu: process.cpuUsage() })
  })
  process.stdout.write(`READY ${server.url}${server.queueUrl ? ` ${server.queueUrl}` : ''}\n`)
  process.once('SIGTERM', () => {
    process.stdout.write(`STATS ${JSON.stringify(server.stats())}\n`)
    void server.close().finally(() => process.exit(0))
    setTimeout(() => process.exit(0), 2_000).unref()
  })
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exit(1)
})
