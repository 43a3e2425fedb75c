import { randomUUID } from 'node:crypto'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { compileConfig, type DeliveryRoute } from '../shared/config/compile-config.js'
import { deliverEnvelope } from '../shared/delivery/deliver-envelope.js'
import type { DeliveryHalo } from '../shared/delivery/halo-commands.js'
import { type AlertEnvelope, envelopeId } from '../shared/envelope.js'
import type { HaloDirectory } from '../shared/halo/halo-directory.js'
import type { DueTimeOf } from '../shared/lifecycle/due-problem.js'
import { createDynamoDbCorrelationStore } from '../shared/lifecycle/dynamodb-correlation-store.js'
import { createJsonLogger } from '../shared/observability.js'
import {
  type DynamoDbTally,
  itemSize,
  startCapacityProxy,
} from '../test/support/aws/capacity-proxy.js'
import { startDynamoDbLocal } from '../test/support/dynamodb-local.js'
import { PRICES } from './support/cost-model.js'

// What watching heartbeats costs in AWS, from request units DynamoDB (Local, through the capacity
// proxy) reports for the real store adapter and the real delivery path: the same pings with the
// due index (the feature) and without it (the baseline: a store that indexes no deadline), and
// the due sweep's index query, which runs every minute whether or not anything is due. The
// Lambda and SQS requests per ping are those of any event (the `cost` section); here only what
// heartbeats add is priced, per 1,000 pings and per day of sweeping.

/** Keys pinging, and pings each, per run: enough for the per-ping figure to settle. */
const KEYS = 20
const PINGS = 30
/** Minutes between a key's pings, and its policy. */
const EVERY_MINUTES = 5
const POLICY = { expectEveryMinutes: EVERY_MINUTES, graceMinutes: 2 }
/** Sweeps a day: the schedule runs every minute. */
const SWEEPS_PER_DAY = 1_440

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

const routeOf = (): DeliveryRoute => {
  const compiled = compileConfig({
    routes: {
      beats: { source: 'heartbeat', auth: { type: 'bearer' }, heartbeat: POLICY },
    },
  })
  return compiled.routes.get('beats') as DeliveryRoute
}

const ping = (key: string, at: Date, n: number): AlertEnvelope => ({
  v: 1,
  // An id as ingest makes it (43 characters): the record keeps some, so their size counts.
  id: envelopeId(`sha256:${key}@${at.toISOString()}#${n}`, { key, status: 'firing' }),
  route: 'beats',
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

/** Every key pings PINGS times, EVERY_MINUTES apart, through the real delivery path. */
const runPings = async (
  documents: DynamoDBDocumentClient,
  tableName: string,
  reset: () => void,
  tally: () => DynamoDbTally,
  dueAtOf: DueTimeOf | undefined,
): Promise<Run> => {
  const store = createDynamoDbCorrelationStore({ client: documents, tableName, dueAtOf })
  const route = routeOf()
  const logger = createJsonLogger({ write: () => {} })
  const start = Date.parse('2026-12-01T00:00:00Z')
  const keys = Array.from({ length: KEYS }, (_, index) => `job-${index}`)
  // The first ping of each key creates its record: counted apart, as it happens once.
  const deliver = async (round: number) => {
    const at = new Date(start + round * EVERY_MINUTES * 60_000)
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
  reset()
  for (let round = 1; round < PINGS; round++) await deliver(round)
  const measured = tally()
  const record = await store.get('beats', keys[0] as string)
  const { version: _version, ...stored } = record ?? { version: 0 }
  // What the record would weigh had pings kept their ids like other events (50 of them).
  const ids = Array.from({ length: 50 }, (_, n) =>
    envelopeId(`kept-${n}`, { key: 'k', status: 'firing' }),
  )
  return {
    tally: measured,
    pings: KEYS * (PINGS - 1),
    itemBytes: itemSize(toAttributes(stored)),
    fullItemBytes: itemSize(toAttributes({ ...stored, applied: ids })),
  }
}

/** A plain object as DynamoDB attribute values, for its billed size. */
const toAttributes = (value: Record<string, unknown>): Record<string, Record<string, unknown>> =>
  Object.fromEntries(Object.entries(value).map(([name, field]) => [name, attributeOf(field)]))

const attributeOf = (value: unknown): Record<string, unknown> => {
  if (typeof value === 'string') return { S: value }
  if (typeof value === 'number') return { N: String(value) }
  if (typeof value === 'boolean') return { BOOL: value }
  if (Array.isArray(value)) return { L: value.map(attributeOf) }
  if (value && typeof value === 'object')
    return { M: toAttributes(value as Record<string, unknown>) }
  return { NULL: true }
}

const usd = (value: number) => `$${value.toFixed(value < 0.01 ? 5 : value < 1 ? 4 : 2)}`

export const benchHeartbeats = async (): Promise<string[]> => {
  const local = await startDynamoDbLocal()
  const proxy = await startCapacityProxy(local.endpoint)
  const client = new DynamoDBClient({
    endpoint: proxy.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  })
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  })
  try {
    const withIndex = `bench-${randomUUID()}`
    const withoutIndex = `bench-${randomUUID()}`
    await local.createStateTable(withIndex)
    await local.createStateTable(withoutIndex)

    const feature = await runPings(documents, withIndex, proxy.reset, proxy.tally, undefined)
    const baseline = await runPings(
      documents,
      withoutIndex,
      proxy.reset,
      proxy.tally,
      () => undefined,
    )

    // The sweep's query when nothing is due (its usual minute), and when every key is overdue.
    const store = createDynamoDbCorrelationStore({ client: documents, tableName: withIndex })
    proxy.reset()
    await store.listDue(new Date('2026-12-01T00:00:00Z'), 100)
    const idle = proxy.tally()
    proxy.reset()
    const due = await store.listDue(new Date('2026-12-03T00:00:00Z'), 100)
    const busy = proxy.tally()

    const per = (run: Run) => ({
      wru: run.tally.writeUnits / run.pings,
      rru: run.tally.readUnits / run.pings,
    })
    const f = per(feature)
    const b = per(baseline)
    const perThousand = (units: { wru: number; rru: number }) =>
      1_000 *
      (units.wru * (PRICES.dynamoWriteUnitsPerMillion / 1e6) +
        units.rru * (PRICES.dynamoReadUnitsPerMillion / 1e6))
    // DynamoDB Local reports nothing for a query that finds nothing; DynamoDB bills a read of at
    // least half a unit (eventually consistent), which is what an idle sweep is priced at here.
    const idleUnits = Math.max(0.5, idle.readUnits)
    const sweepDay = SWEEPS_PER_DAY * idleUnits * (PRICES.dynamoReadUnitsPerMillion / 1e6)
    const sweepLambdaDay = SWEEPS_PER_DAY * (PRICES.lambdaRequestsPerMillion / 1e6)

    return [
      `${KEYS} keys × ${PINGS - 1} pings (every ${EVERY_MINUTES} min, policy ${JSON.stringify(POLICY)}), through deliverEnvelope and the DynamoDB adapter; DynamoDB Local's consumed capacity (indexes included)`,
      `  with the due index: ${f.wru.toFixed(2)} WRU + ${f.rru.toFixed(2)} RRU per ping, calls ${JSON.stringify(feature.tally.calls)}; record ${feature.itemBytes} B`,
      `  baseline (no deadline indexed): ${b.wru.toFixed(2)} WRU + ${b.rru.toFixed(2)} RRU per ping; record ${baseline.itemBytes} B`,
      `  a ping keeps no envelope id (it is idempotent): with 50 kept like other events the record would be ${feature.fullItemBytes} B, ${Math.ceil(feature.fullItemBytes / 1024)} WRU per table write instead of ${Math.ceil(feature.itemBytes / 1024)}`,
      `  the index adds ${(f.wru - b.wru).toFixed(2)} WRU per ping (${(f.wru / b.wru).toFixed(2)}× the baseline's writes): its sort key moves with every ping`,
      `  DynamoDB per 1,000 pings: ${usd(perThousand(f))} with the index, ${usd(perThousand(b))} without (+${usd(perThousand(f) - perThousand(b))})`,
      `the due sweep's query: ${idle.readUnits} RRU reported with nothing due (priced at ${idleUnits}), ${busy.readUnits} RRU listing ${due.length} overdue keys`,
      `  fixed per day (${SWEEPS_PER_DAY} sweeps): DynamoDB ${usd(sweepDay)}, Lambda requests ${usd(sweepLambdaDay)} (GB-s: see the sweep function's billed duration)`,
    ]
  } finally {
    client.destroy()
    await proxy.close()
    await local.stop()
  }
}
