import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Context } from 'aws-lambda'
import { AWS_ENV } from '../shared/aws-env.js'
import { compileConfig, type DeliveryRoute } from '../shared/config/compile-config.js'
import { deliverEnvelope } from '../shared/delivery/deliver-envelope.js'
import type { DeliveryHalo } from '../shared/delivery/halo-commands.js'
import { type AlertEnvelope, envelopeId } from '../shared/envelope.js'
import type { HaloDirectory } from '../shared/halo/halo-directory.js'
import type { DueTimeOf } from '../shared/lifecycle/due-problem.js'
import { createDynamoDbCorrelationStore } from '../shared/lifecycle/dynamodb-correlation-store.js'
import { createJsonLogger } from '../shared/observability.js'
import type { DueSweepReport } from '../shared/timers/run-due-sweep.js'
import { standInEnv, startAwsStandIn } from '../test/support/aws/aws-stand-in.js'
import { bundleHandler, ROOT, removeBundles } from '../test/support/aws/bundle-handler.js'
import {
  type DynamoDbTally,
  itemSize,
  startCapacityProxy,
} from '../test/support/aws/capacity-proxy.js'
import { lambdaContext } from '../test/support/aws/lambda-events.js'
import { startDynamoDbLocal } from '../test/support/dynamodb-local.js'
import { PRICES } from './support/cost-model.js'
import heartbeatConfig from './support/heartbeat-config.js'

// What watching heartbeats costs in AWS. Pings: request units DynamoDB (Local, through the
// capacity proxy) reports for the real delivery path and store adapter, with the due index (the
// feature) and without it (the baseline: the same pings on a store that indexes no deadline).
// The sweep: the bundled due function, as the stack deploys it, invoked as the schedule does,
// against the same DynamoDB Local and a stand-in of SQS. A ping's Lambda, SQS and API requests
// are those of any event (the `cost` section); only what heartbeats add is priced here.

/** Keys pinging, and pings each: enough for the per-ping figure to settle. */
const KEYS = 20
const PINGS = 30
const ROUTE = 'beats'
const route = compileConfig(heartbeatConfig).routes.get(ROUTE) as DeliveryRoute
const POLICY = route.heartbeat as NonNullable<DeliveryRoute['heartbeat']>
const EVERY_MS = POLICY.expectEveryMinutes * 60_000
/** The schedule runs every minute. */
const SWEEPS_PER_DAY = 1_440
/** Idle sweeps timed, after the first (the cold start). */
const SWEEPS = 40
/** The due function's memory (infra/constructs/due-schedule.ts). */
const DUE_MEMORY_GB = 128 / 1024

type Handler = (event: unknown, context: Context) => Promise<DueSweepReport>

const noHalo = new Proxy({} as DeliveryHalo, {
  get: (_, name) =>
    name === 'busy'
      ? async () => false
      : () => {
          throw new Error(`a ping called Halo (${String(name)})`)
        },
})

const noDirectory = new Proxy({} as HaloDirectory, {
  get: (_, name) => () => {
    throw new Error(`a ping looked up ${String(name)}`)
  },
})

const ping = (key: string, at: Date, n: number): AlertEnvelope => ({
  v: 1,
  // An id as ingest makes it (43 characters): a record keeps some, so their size counts.
  id: envelopeId(`sha256:${key}@${at.toISOString()}#${n}`, { key, status: 'firing' }),
  route: ROUTE,
  source: 'heartbeat',
  type: 'heartbeat.ping',
  receivedAt: at.toISOString(),
  alert: {
    key,
    status: 'firing',
    severity: 'info',
    title: `Nightly job ${key}`,
    description: '',
    occurredAt: at.toISOString(),
    labels: {},
    tenant: { name: 'Acme Dental' },
  },
  raw: { key },
})

type Run = { tally: DynamoDbTally; pings: number; itemBytes: number; fullItemBytes: number }

/** A plain object as DynamoDB attribute values, for its billed size. */
const toAttributes = (value: Record<string, unknown>): Record<string, Record<string, unknown>> =>
  Object.fromEntries(Object.entries(value).map(([name, field]) => [name, attributeOf(field)]))

const attributeOf = (value: unknown): Record<string, unknown> => {
  if (typeof value === 'string') return { S: value }
  if (typeof value === 'number') return { N: String(value) }
  if (typeof value === 'boolean') return { BOOL: value }
  if (Array.isArray(value)) return { L: value.map(attributeOf) }
  if (value && typeof value === 'object') {
    return { M: toAttributes(value as Record<string, unknown>) }
  }
  return { NULL: true }
}

/**
 * Every key pings PINGS times, one interval apart and ending now (so no deadline has passed yet),
 * through the real delivery path. The first ping of each key creates its record: not counted.
 */
const runPings = async (
  documents: DynamoDBDocumentClient,
  tableName: string,
  proxy: { reset(): void; tally(): DynamoDbTally },
  dueAtOf: DueTimeOf | undefined,
): Promise<Run> => {
  const store = createDynamoDbCorrelationStore({ client: documents, tableName, dueAtOf })
  const logger = createJsonLogger({ write: () => {} })
  const start = Date.now() - (PINGS - 1) * EVERY_MS
  const keys = Array.from({ length: KEYS }, (_, index) => `job-${index}`)
  const deliver = async (round: number) => {
    const at = new Date(start + round * EVERY_MS)
    for (const key of keys) {
      await deliverEnvelope(ping(key, at, round), route, {
        halo: noHalo,
        store,
        directory: noDirectory,
        logger,
        now: () => at,
      })
    }
  }
  await deliver(0)
  proxy.reset()
  for (let round = 1; round < PINGS; round++) await deliver(round)
  const tally = proxy.tally()
  const record = await store.get(ROUTE, keys[0] as string)
  const { version: _version, ...stored } = record ?? { version: 0 }
  // What the record would weigh had pings kept their ids as other events do (50 of them).
  const ids = Array.from({ length: 50 }, (_, n) =>
    envelopeId(`kept-${n}`, { key: 'k', status: 'firing' }),
  )
  return {
    tally,
    pings: KEYS * (PINGS - 1),
    itemBytes: itemSize(toAttributes(stored)),
    fullItemBytes: itemSize(toAttributes({ ...stored, applied: ids })),
  }
}

const usd = (value: number) => `$${value.toFixed(value < 0.01 ? 5 : value < 1 ? 4 : 2)}`
const perMillion = (units: number, price: number) => units * (price / 1e6)

export const benchHeartbeats = async (): Promise<string[]> => {
  const [local, aws] = await Promise.all([startDynamoDbLocal(), startAwsStandIn()])
  const proxy = await startCapacityProxy(local.endpoint)
  const client = new DynamoDBClient({
    endpoint: proxy.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  })
  const withIndex = `bench-${randomUUID()}`
  const withoutIndex = `bench-${randomUUID()}`
  try {
    await local.createStateTable(withIndex)
    await local.createStateTable(withoutIndex)

    const feature = await runPings(documents, withIndex, proxy, undefined)
    const baseline = await runPings(documents, withoutIndex, proxy, () => undefined)

    // The due function as the stack bundles it, on the table the feature's pings wrote.
    Object.assign(process.env, {
      ...standInEnv(aws),
      [AWS_ENV.queueUrl]: aws.queueUrl('halo-hooks-queue.fifo'),
      [AWS_ENV.tableName]: withIndex,
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      POWERTOOLS_METRICS_DISABLED: 'true',
    })
    const url = await bundleHandler(
      'due',
      'bench-due',
      join(ROOT, 'bench/support/heartbeat-config.ts'),
    )
    const handler = (await import(url)).handler as Handler
    const sweep = async () => {
      const started = performance.now()
      const report = await handler({}, lambdaContext('due'))
      return { report, ms: performance.now() - started }
    }
    await sweep() // the cold start: not counted
    proxy.reset()
    aws.reset()
    let idleMs = 0
    for (let n = 0; n < SWEEPS; n++) idleMs += (await sweep()).ms
    const idle = proxy.tally()
    const idleSqs = aws.calls('SendMessageBatch').length

    // Every key silent past its deadline: one sweep lists them all and queues a timer each.
    const store = createDynamoDbCorrelationStore({ client: documents, tableName: withIndex })
    for (let n = 0; n < KEYS; n++) {
      const record = await store.get(ROUTE, `job-${n}`)
      if (!record?.heartbeat) continue
      const lastPingAt = new Date(Date.now() - 60 * 60_000).toISOString()
      const heartbeat = { ...record.heartbeat, lastPingAt, deadline: lastPingAt }
      await store.put({ ...record, heartbeat, version: record.version + 1 }, record.version)
    }
    proxy.reset()
    aws.reset()
    const busy = await sweep()
    const busyUnits = proxy.tally().readUnits
    const batches = aws.calls('SendMessageBatch').length

    const f = feature.tally.writeUnits / feature.pings
    const fr = feature.tally.readUnits / feature.pings
    const b = baseline.tally.writeUnits / baseline.pings
    const br = baseline.tally.readUnits / baseline.pings
    const thousand = (wru: number, rru: number) =>
      1_000 *
      (perMillion(wru, PRICES.dynamoWriteUnitsPerMillion) +
        perMillion(rru, PRICES.dynamoReadUnitsPerMillion))
    // DynamoDB Local reports nothing for a query that finds nothing; DynamoDB bills a read of at
    // least half a unit (eventually consistent), which is what an idle sweep is priced at here.
    const idleUnits = Math.max(0.5, idle.readUnits / SWEEPS)
    const idleBilledMs = Math.ceil(idleMs / SWEEPS)
    const sweepDay = {
      dynamodb: SWEEPS_PER_DAY * perMillion(idleUnits, PRICES.dynamoReadUnitsPerMillion),
      requests: perMillion(SWEEPS_PER_DAY, PRICES.lambdaRequestsPerMillion),
      compute: SWEEPS_PER_DAY * DUE_MEMORY_GB * (idleBilledMs / 1000) * PRICES.lambdaArmGbSecond,
    }
    const sweepTotal = sweepDay.dynamodb + sweepDay.requests + sweepDay.compute
    const pingsPerDay = (keys: number, everyMinutes: number) => (keys * 1_440) / everyMinutes

    return [
      `pings: ${KEYS} keys × ${PINGS - 1} (every ${POLICY.expectEveryMinutes} min, grace ${POLICY.graceMinutes}) through deliverEnvelope and the DynamoDB adapter; DynamoDB Local's consumed capacity, indexes included`,
      `  with the due index: ${f.toFixed(2)} WRU + ${fr.toFixed(2)} RRU per ping (${JSON.stringify(feature.tally.calls)}), no Halo request; record ${feature.itemBytes} B`,
      `  baseline, no deadline indexed: ${b.toFixed(2)} WRU + ${br.toFixed(2)} RRU per ping; record ${baseline.itemBytes} B`,
      `  the index adds ${(f - b).toFixed(2)} WRU per ping (${(f / b).toFixed(2)}× the baseline's writes): every ping moves its sort key, a delete and a put in the index`,
      `  a ping keeps no envelope id (pings are idempotent); kept as other events keep 50, the record would be ${feature.fullItemBytes} B: ${Math.ceil(feature.fullItemBytes / 1024)} WRU per table write instead of ${Math.ceil(feature.itemBytes / 1024)}`,
      `  DynamoDB per 1,000 pings: ${usd(thousand(f, fr))} with the index, ${usd(thousand(b, br))} without (+${usd(thousand(f, fr) - thousand(b, br))})`,
      `the due sweep (bundled due function, 128 MB, in process against DynamoDB Local and the SQS stand-in):`,
      `  idle (nothing due): ${(idleMs / SWEEPS).toFixed(1)} ms per invocation over ${SWEEPS}, ${idle.readUnits / SWEEPS} RRU reported (priced at ${idleUnits}), ${idleSqs} SQS requests`,
      `  ${busy.report.listed} keys overdue: ${busy.ms.toFixed(1)} ms, ${busyUnits} RRU, ${batches} SendMessageBatch (${JSON.stringify(busy.report)})`,
      `  fixed per day (${SWEEPS_PER_DAY} sweeps, billed ${idleBilledMs} ms each): Lambda requests ${usd(sweepDay.requests)}, GB-s ${usd(sweepDay.compute)}, DynamoDB ${usd(sweepDay.dynamodb)}; ${usd(sweepTotal)} a day, ${usd(sweepTotal * 30)} a month (log lines and cold starts not counted here: npm run bench -- due prices them)`,
      `per 1,000 heartbeat keys: pinging hourly (${pingsPerDay(1_000, 60)} pings a day) the index costs ${usd((pingsPerDay(1_000, 60) / 1_000) * (thousand(f, fr) - thousand(b, br)))} a day, every 5 min ${usd((pingsPerDay(1_000, 5) / 1_000) * (thousand(f, fr) - thousand(b, br)))}; the sweep ${usd(sweepTotal)} a day whatever the count`,
    ]
  } finally {
    client.destroy()
    removeBundles('bench-due')
    await Promise.all([proxy.close(), aws.close()])
    await local.stop()
  }
}
