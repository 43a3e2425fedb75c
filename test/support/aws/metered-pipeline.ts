import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda'
import { SANDBOX_CREDENTIALS } from '../../../local/halo-sandbox/halo-sandbox.js'
import { startHaloSandbox } from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { AWS_ENV } from '../../../shared/aws-env.js'
import { type AmAlert, alertmanagerNotification } from '../alertmanager.js'
import { type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb-local.js'
import { bundleHandler, ROOT, removeBundles } from './bundle-handler.js'
import { type DynamoDbTally, openMs, startCapacityProxy } from './capacity-proxy.js'
import { httpApiEvent, sqsEvent, sqsFifoRecord } from './lambda-events.js'
import { type InvocationCost, type LambdaProcess, startLambdaProcess } from './lambda-process.js'

/** What one function did over a metered run. */
export type FunctionMetering = {
  invocations: number
  /** Handler wall time, summed over the invocations (ms). */
  wallMs: number
  /** CPU time of the function's process during them (ms). */
  cpuMs: number
  /** Log events printed, and their bytes (UTF-8, without the newline). */
  logEvents: number
  logBytes: number
  /** The largest resident set of the function's process seen (bytes). */
  maxRssBytes: number
  /** The cold start: module init, measured once when the process started. */
  init: { wallMs: number; cpuMs: number; logEvents: number; logBytes: number }
  /**
   * Its DynamoDB calls during the invocations: how long each took (ms, as the proxy saw it), and
   * for how much of the invocations at least one was outstanding (`openMs`). DynamoDB Local is
   * slower than DynamoDB, so the cost model can say what the wall time would be at DynamoDB's
   * own speed.
   */
  dynamodb: { callMs: number[]; openMs: number }
}

/** Counts of one metered run: N events through ingest, the queue and deliver, warm. */
export type Metering = {
  eventsPerInvocation: number
  /** Envelopes that went through the whole pipeline (and their webhooks). */
  events: number
  webhooks: number
  ingest: FunctionMetering
  deliver: FunctionMetering
  sqs: {
    /** Calls each function made, by command. */
    ingestCalls: Record<string, number>
    deliverCalls: Record<string, number>
    /** 64 KB units of the SendMessageBatch payloads (SQS bills each as a request). */
    sendUnits: number
    /** 64 KB units of what the event source mapping received (one ReceiveMessage per batch). */
    receiveUnits: number
    /** Batches with at least one record done: the event source mapping deletes them (one call). */
    deleteCalls: number
  }
  secretsManager: { getSecretValue: number }
  dynamodb: DynamoDbTally
  halo: { requests: number; bytesOut: number; byEndpoint: Record<string, number> }
  /** Outcomes of the deliver audit lines (`envelope delivered`, ...). */
  outcomes: Record<string, number>
  /** The deliver log lines, for a look at what costs bytes. */
  deliverLogSample: string[]
  ingestLogSample: string[]
}

/**
 * One scheduled invocation of the due function, metered as the pipeline's runs are: its time and
 * logs, its SQS sends, the DynamoDB read units of its query of the due index, and the timers it
 * queued (message bodies, for a run of deliver over them).
 */
export type DueSweepMetering = {
  /** What the handler answered: due problems listed, timers queued, routes no longer configured. */
  report: { listed: number; queued: number; stoppedBy?: string }
  due: FunctionMetering
  sqs: {
    calls: Record<string, number>
    /** 64 KB units of the SendMessageBatch payloads (SQS bills each as a request). */
    sendUnits: number
  }
  dynamodb: DynamoDbTally
  /** The queued timers, as SQS would hand them to deliver. */
  timers: SQSRecord[]
}

export type MeteredPipelineOptions = {
  /** Halo sandbox latency per request (ms). @default 0 */
  haloLatencyMs?: number
  /** Stubbed SQS and Secrets Manager latency (ms). @default 0 */
  sqsLatencyMs?: number
  secretsLatencyMs?: number
  /** Each function's memory (MB), which sizes its V8 heap as Lambda would. @default 128 */
  memoryMb?: { ingest: number; deliver: number }
  /** More environment for each function (deploy settings the stack would set). */
  ingestEnv?: Record<string, string>
  deliverEnv?: Record<string, string>
  /** Also start the due function (`sweepDue`), with its memory (MB). @default not started */
  due?: { memoryMb?: number }
}

const TOKEN = 'metering-route-token'
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/halo-hooks-queue.fifo'
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/halo-hooks-dlq.fifo'
const SIGNING_SECRET_ID =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:halo-hooks-signing-AbCdEf'
const HALO_SECRET_ID = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:halo-hooks-halo-AbCdEf'
const SQS_UNIT = 65_536

const count = (into: Record<string, number>, key: string, by = 1) => {
  into[key] = (into[key] ?? 0) + by
}

const emptyFunction = (init: InvocationCost): FunctionMetering => ({
  dynamodb: { callMs: [], openMs: 0 },
  invocations: 0,
  wallMs: 0,
  cpuMs: 0,
  logEvents: 0,
  logBytes: 0,
  maxRssBytes: init.rssBytes,
  init: {
    wallMs: init.wallMs,
    cpuMs: init.cpuMs,
    logEvents: init.logLines.length,
    logBytes: init.logLines.reduce((sum, line) => sum + Buffer.byteLength(line), 0),
  },
})

const add = (into: FunctionMetering, cost: InvocationCost) => {
  into.invocations += 1
  into.wallMs += cost.wallMs
  into.cpuMs += cost.cpuMs
  into.logEvents += cost.logLines.length
  into.logBytes += cost.logLines.reduce((sum, line) => sum + Buffer.byteLength(line), 0)
  into.maxRssBytes = Math.max(into.maxRssBytes, cost.rssBytes)
}

/** Moves every `checkedAt` of an item back, as if that long had passed since Halo was asked. */
const aged = (value: unknown, byMs: number): unknown => {
  if (Array.isArray(value)) return value.map((item) => aged(item, byMs))
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === 'checkedAt' && typeof inner === 'string'
        ? new Date(Date.parse(inner) - byMs).toISOString()
        : aged(inner, byMs),
    ]),
  )
}

/** The Halo budget's item as it reads `byMs` later: its window's dates moved back. */
const agedBudget = (item: Record<string, unknown>, byMs: number): Record<string, unknown> => {
  const earlier = (value: unknown) => (typeof value === 'number' ? value - byMs : value)
  const moved: Record<string, unknown> = { ...item }
  for (const field of ['grantsFrom', 'blockedUntil', 'lineUntil', 'changedAt']) {
    if (field in item) moved[field] = earlier(item[field])
  }
  if (Array.isArray(item.grants)) moved.grants = item.grants.map(earlier)
  return moved
}

/**
 * The deployed pipeline on this machine, metered: the bundled ingest and deliver handlers each in
 * a process of its own (a warm Lambda container), DynamoDB Local behind a proxy that counts
 * consumed capacity, SQS and Secrets Manager stubbed at the SDK edge (calls counted), the Halo
 * sandbox as Halo. `run(k)` sends problems through it the way Alertmanager would (k alerts per
 * notification) and hands deliver batches of k messages, and says what every service was asked.
 */
export const startMeteredPipeline = async (options: MeteredPipelineOptions = {}) => {
  const [local, halo] = await Promise.all([startDynamoDbLocal(), startHaloSandbox()])
  const proxy = await startCapacityProxy(local.endpoint)
  const table = `state-${randomUUID()}`
  const processes: LambdaProcess[] = []
  const name = `metered-${randomUUID().slice(0, 8)}`
  try {
    await local.createStateTable(table)
    const config = join(ROOT, 'test/support/aws/metering-config.ts')
    const [ingestUrl, deliverUrl] = await Promise.all([
      bundleHandler('ingest', `${name}-ingest`, config),
      bundleHandler('deliver', `${name}-deliver`, config),
    ])
    // The two secrets of the stack: signing secrets for ingest, Halo credentials for deliver.
    const secrets = {
      [SIGNING_SECRET_ID]: JSON.stringify({ routes: { prometheus: { current: TOKEN } } }),
      [HALO_SECRET_ID]: JSON.stringify({ halo: SANDBOX_CREDENTIALS, routes: {} }),
    }
    const common = {
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      POWERTOOLS_LOG_LEVEL: 'INFO',
      [AWS_ENV.signingSecretId]: SIGNING_SECRET_ID,
      [AWS_ENV.haloSecretId]: HALO_SECRET_ID,
      [AWS_ENV.secretCacheSeconds]: '900',
      [AWS_ENV.tableName]: table,
      [AWS_ENV.queueUrl]: QUEUE_URL,
    }
    const lambda = (
      bundleUrl: string,
      functionName: 'ingest' | 'deliver',
      env: Record<string, string>,
    ) =>
      startLambdaProcess({
        bundleUrl,
        functionName,
        memoryMb: options.memoryMb?.[functionName] ?? 128,
        env: { POWERTOOLS_SERVICE_NAME: `halo-hooks-${functionName}`, ...common, ...env },
        secrets,
        sqsLatencyMs: options.sqsLatencyMs,
        secretsLatencyMs: options.secretsLatencyMs,
      })
    const ingest = await lambda(ingestUrl, 'ingest', { ...options.ingestEnv })
    processes.push(ingest)
    const deliver = await lambda(deliverUrl, 'deliver', {
      [AWS_ENV.deadLetterQueueUrl]: DLQ_URL,
      [AWS_ENV.haloBaseUrl]: halo.url,
      [AWS_ENV.maxReceiveCount]: '1000',
      [AWS_ENV.queueRetentionSeconds]: String(14 * 86_400),
      ...options.deliverEnv,
    })
    processes.push(deliver)
    halo.sandbox.setFaults({ latencyMs: options.haloLatencyMs ?? 0 })

    const deduplicated = new Set<string>()

    // The due function gets what the stack gives it: the table and the queue, nothing else.
    const dueProcess = options.due
      ? await startLambdaProcess({
          bundleUrl: await bundleHandler('due', `${name}-due`, config),
          functionName: 'due',
          memoryMb: options.due.memoryMb ?? 128,
          env: {
            POWERTOOLS_SERVICE_NAME: 'halo-hooks-due',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
            [AWS_ENV.tableName]: table,
            [AWS_ENV.queueUrl]: QUEUE_URL,
          },
          sqsLatencyMs: options.sqsLatencyMs,
        })
      : undefined
    if (dueProcess) processes.push(dueProcess)

    /** One scheduled invocation of the due function (the pipeline must start it: `due`). */
    const sweepDue = async (): Promise<DueSweepMetering> => {
      if (!dueProcess) throw new Error('startMeteredPipeline({ due: {} }) starts the due function')
      const before = proxy.tally()
      const { response, cost } = await dueProcess.invoke({ source: 'aws.events' })
      const after = proxy.tally()
      const calls: Record<string, number> = {}
      let sendUnits = 0
      const timers: SQSRecord[] = []
      for (const call of cost.calls) {
        if (call.service !== 'sqs') continue
        count(calls, call.command)
        if (call.command !== 'SendMessageBatch') continue
        const entries = (call.input as { Entries: Record<string, string>[] }).Entries
        const bytes = entries.reduce(
          (sum, entry) => sum + Buffer.byteLength(entry.MessageBody ?? ''),
          0,
        )
        sendUnits += Math.max(1, Math.ceil(bytes / SQS_UNIT))
        for (const entry of entries) {
          timers.push(
            sqsFifoRecord({
              body: entry.MessageBody ?? '',
              groupId: entry.MessageGroupId ?? '',
              deduplicationId: entry.MessageDeduplicationId ?? '',
            }),
          )
        }
      }
      const due = emptyFunction(dueProcess.init)
      add(due, cost)
      const operations = new Set([...Object.keys(before.calls), ...Object.keys(after.calls)])
      return {
        report: response as DueSweepMetering['report'],
        due,
        sqs: { calls, sendUnits },
        dynamodb: {
          calls: Object.fromEntries(
            [...operations]
              .map((op): [string, number] => [op, (after.calls[op] ?? 0) - (before.calls[op] ?? 0)])
              .filter(([, n]) => n > 0),
          ),
          readUnits: after.readUnits - before.readUnits,
          writeUnits: after.writeUnits - before.writeUnits,
          refusedWrites: after.refusedWrites - before.refusedWrites,
        },
        timers,
      }
    }

    /**
     * Moves the stored state `ms` into the past, as if that much time went by: records' checks
     * grow stale (so Halo is asked again) and the budget's window empties as Halo's would.
     */
    const later = async (ms: number) => {
      const items = await local.documents.send(new ScanCommand({ TableName: table }))
      for (const item of items.Items ?? []) {
        const pk = String(item.pk)
        if (!pk.startsWith('corr#') && !pk.startsWith('budget#')) continue
        const moved = pk.startsWith('corr#') ? aged(item, ms) : agedBudget(item, ms)
        await local.documents.send(new PutCommand({ TableName: table, Item: moved as typeof item }))
      }
    }

    /** One run of `problems` alerts through the pipeline, `k` per notification and per batch. */
    const run = async (k: number, problems = 10): Promise<Metering> => {
      const ingestRun = emptyFunction(ingest.init)
      const deliverRun = emptyFunction(deliver.init)
      const sqs = {
        ingestCalls: {} as Record<string, number>,
        deliverCalls: {} as Record<string, number>,
        sendUnits: 0,
        receiveUnits: 0,
        deleteCalls: 0,
      }
      const secrets = { getSecretValue: 0 }
      const haloTally = { requests: 0, bytesOut: 0, byEndpoint: {} as Record<string, number> }
      const outcomes: Record<string, number> = {}
      let webhooks = 0
      let events = 0
      const logs = { ingest: [] as string[], deliver: [] as string[] }
      let metering = false

      const tallyCalls = (cost: InvocationCost, into: Record<string, number>) => {
        for (const call of cost.calls) {
          if (call.service === 'sqs') count(into, call.command)
          if (call.service === 'secretsmanager') secrets.getSecretValue += 1
          if (call.service === 'halo') {
            haloTally.requests += 1
            haloTally.bytesOut += call.bytes ?? 0
            count(haloTally.byEndpoint, call.command)
          }
        }
      }

      const queue: SQSRecord[] = []
      const post = async (alerts: AmAlert[]) => {
        const body = alertmanagerNotification(alerts)
        const { response, cost } = await ingest.invoke(
          httpApiEvent({
            path: '/hooks/prometheus',
            body,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          }),
        )
        const status = (response as { statusCode?: number }).statusCode
        if (status !== 202)
          throw new Error(`ingest answered ${status}: ${JSON.stringify(response)}`)
        for (const call of cost.calls) {
          if (call.command !== 'SendMessageBatch') continue
          const entries = (call.input as { Entries: Record<string, string>[] }).Entries
          const bytes = entries.reduce(
            (sum, entry) => sum + Buffer.byteLength(entry.MessageBody ?? ''),
            0,
          )
          if (metering) sqs.sendUnits += Math.max(1, Math.ceil(bytes / SQS_UNIT))
          for (const entry of entries) {
            // SQS FIFO drops a deduplication id it saw within five minutes.
            if (deduplicated.has(entry.MessageDeduplicationId ?? '')) continue
            deduplicated.add(entry.MessageDeduplicationId ?? '')
            queue.push(
              sqsFifoRecord({
                body: entry.MessageBody ?? '',
                groupId: entry.MessageGroupId ?? '',
                deduplicationId: entry.MessageDeduplicationId ?? '',
              }),
            )
          }
        }
        if (!metering) return
        webhooks += 1
        add(ingestRun, cost)
        tallyCalls(cost, sqs.ingestCalls)
        logs.ingest.push(...cost.logLines)
      }

      const drain = async () => {
        while (queue.length > 0) {
          const batch = queue.splice(0, k)
          const startedAt = performance.now()
          const { response, cost } = await deliver.invoke(sqsEvent(batch))
          const spans = proxy.spansWithin(startedAt, performance.now())
          const failed = (response as SQSBatchResponse).batchItemFailures
          if (failed.length > 0) {
            throw new Error(`deliver failed ${failed.length} records: ${cost.logLines.join('\n')}`)
          }
          if (!metering) continue
          events += batch.length
          const bytes = batch.reduce((sum, record) => sum + Buffer.byteLength(record.body), 0)
          sqs.receiveUnits += Math.max(1, Math.ceil(bytes / SQS_UNIT))
          sqs.deleteCalls += 1
          add(deliverRun, cost)
          deliverRun.dynamodb.callMs.push(...spans.map((span) => span.end - span.start))
          deliverRun.dynamodb.openMs += openMs(spans)
          tallyCalls(cost, sqs.deliverCalls)
          logs.deliver.push(...cost.logLines)
          for (const line of cost.logLines) {
            const message = /"message":"envelope (\w+)"/.exec(line)?.[1]
            if (message) count(outcomes, message)
          }
        }
      }

      // New hosts each run: every problem's first alert looks its asset up in Halo (as a host
      // seen for the first time this hour would).
      const fingerprints = Array.from({ length: problems }, () => randomUUID().slice(0, 16))
      const alerts = (status: 'firing' | 'resolved', description: string): AmAlert[] =>
        fingerprints.map((fingerprint, index) => ({
          fingerprint,
          status,
          labels: { customer: 'acme', instance: `web-${fingerprints[index]}.acme.example:9100` },
          summary: `Disk almost full on web-${index}`,
          description,
          startsAt: new Date(Date.now() - 60_000).toISOString(),
        }))
      const send = async (all: AmAlert[]) => {
        for (let index = 0; index < all.length; index += k) await post(all.slice(index, index + k))
        await drain()
      }

      // Each run starts as if the last one was long ago: the budget's window is its own.
      await later(60 * 60_000)
      // A fresh sandbox, then the containers warmed (secret read, Halo token) on an alert of its
      // own, then count. (Reset after the warm-up, the sandbox forgot the token the warm-up got:
      // every metered invocation's first requests were refused and sent again with a new one.)
      halo.sandbox.reset()
      halo.sandbox.setFaults({ latencyMs: options.haloLatencyMs ?? 0 })
      await send([
        { fingerprint: randomUUID().slice(0, 16), status: 'firing', labels: { customer: 'acme' } },
      ])
      proxy.reset()
      metering = true

      // Each problem: it fires (a ticket), fires again with a new value (counted on the ticket),
      // and resolves half an hour later (Halo is asked whether the ticket is still open, then it
      // is closed).
      await send(alerts('firing', 'Free space below 5%'))
      await send(alerts('firing', 'Free space below 3%'))
      metering = false
      await later(30 * 60_000)
      metering = true
      await send(alerts('resolved', 'Free space back above 10%'))

      return {
        eventsPerInvocation: k,
        events,
        webhooks,
        ingest: ingestRun,
        deliver: deliverRun,
        sqs,
        secretsManager: secrets,
        dynamodb: proxy.tally(),
        halo: haloTally,
        outcomes,
        deliverLogSample: logs.deliver.slice(0, 12),
        ingestLogSample: logs.ingest.slice(0, 4),
      }
    }

    return {
      run,
      sweepDue,
      local: local as DynamoDbLocal,
      table,
      async stop() {
        await Promise.all(processes.map((process) => process.stop()))
        await proxy.close()
        await Promise.all([local.stop(), halo.close()])
        removeBundles(`${name}-ingest`)
        removeBundles(`${name}-deliver`)
        removeBundles(`${name}-due`)
        removeBundles('lambda-process')
      },
    }
  } catch (error) {
    await Promise.all(processes.map((process) => process.stop()))
    await proxy.close()
    await Promise.all([local.stop(), halo.close()])
    throw error
  }
}

export type MeteredPipeline = Awaited<ReturnType<typeof startMeteredPipeline>>
