import type { DueSweepMetering, Metering } from '../../test/support/aws/metered-pipeline.js'

/**
 * AWS list prices in USD for US East (N. Virginia), on demand, as the pricing pages below state
 * them on {@link PRICES_CHECKED}. Free tiers are not counted.
 */
export const PRICES = {
  /** https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, first 300 million; 512 KB units) */
  httpApiPerMillion: 1.0,
  /** https://aws.amazon.com/lambda/pricing/ (Arm, first 7.5 billion GB-s; Function URLs cost nothing more) */
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequestsPerMillion: 0.2,
  /** https://aws.amazon.com/sqs/pricing/ (FIFO; every 64 KB of a payload is one request) */
  sqsFifoRequestsPerMillion: 0.5,
  /** https://aws.amazon.com/dynamodb/pricing/on-demand/ */
  dynamoWriteUnitsPerMillion: 0.625,
  dynamoReadUnitsPerMillion: 0.125,
  dynamoStorageGbMonth: 0.25,
  dynamoPitrGbMonth: 0.2,
  /** https://aws.amazon.com/cloudwatch/pricing/ (Logs: standard ingestion and storage) */
  logsIngestPerGb: 0.5,
  logsStoragePerGbMonth: 0.03,
  /** https://aws.amazon.com/cloudwatch/pricing/ (first 10,000 metrics; standard-resolution alarm, per metric it reads) */
  customMetricPerMonth: 0.3,
  alarmMetricPerMonth: 0.1,
  dashboardPerMonth: 3.0,
  /** https://aws.amazon.com/secrets-manager/pricing/ */
  secretPerMonth: 0.4,
  secretsApiPer10k: 0.05,
  /** https://aws.amazon.com/ec2/pricing/on-demand/ (data transfer out to the internet, first 10 TB) */
  transferOutPerGb: 0.09,
} as const

export const PRICES_CHECKED = '2026-12-01'

/** Pages the prices come from, for the doc. */
export const PRICE_PAGES = [
  'https://aws.amazon.com/api-gateway/pricing/',
  'https://aws.amazon.com/lambda/pricing/',
  'https://aws.amazon.com/sqs/pricing/',
  'https://aws.amazon.com/dynamodb/pricing/on-demand/',
  'https://aws.amazon.com/cloudwatch/pricing/',
  'https://aws.amazon.com/secrets-manager/pricing/',
  'https://aws.amazon.com/ec2/pricing/on-demand/',
]

/** What the cost depends on in the synthesized template. */
export type StackFacts = {
  /** Memory of each function, MB. */
  memoryMb: { ingest: number; deliver: number }
  /** Whether senders reach ingest through the HTTP API (billed per request) or a function URL. */
  httpApi: boolean
  /** Whether Lambda writes its START/END/REPORT lines (system log level INFO or unset). */
  platformLogLines: boolean
  secrets: number
  /** Metrics read by each alarm (a metric-math alarm is billed per metric it reads). */
  alarmMetrics: number[]
  dashboards: number
  /** How long a function keeps a secret value before it reads it again, seconds. */
  secretCacheSeconds: number
}

/** Assumptions the run cannot measure, stated in the doc. */
export const ASSUMPTIONS = {
  /** At 1,769 MB a function has one vCPU; below it, CPU time stretches by 1769 / memory. */
  fullCpuMemoryMb: 1769,
  /** Share of invocations that start a new container (their module init is billed too). */
  coldShare: 0.05,
  /** CloudWatch Logs counts each log event's message plus 26 bytes. */
  logEventOverheadBytes: 26,
  /** START, END and REPORT lines per invocation, when Lambda writes them (text format). */
  platformLogBytes: 320,
  /**
   * An SQS event source mapping long-polls an idle queue with five pollers, 20 s each: about
   * 15 empty receives a minute (reported from CloudWatch in getlift/lift#132).
   */
  idleReceivesPerMonth: 15 * 60 * 730,
  /** A typical MSP's month. */
  eventsPerMonth: 100_000,
  /** Days the delivery history and logs are kept, and the size of a history item. */
  historyDays: 14,
  historyItemBytes: 500,
  logRetentionDays: 30,
  /** Read request units DynamoDB bills an eventually consistent read request at least. */
  minReadUnits: 0.5,
  /**
   * How long a DynamoDB call takes from a function in its region: "single-digit millisecond
   * performance at any scale" (https://aws.amazon.com/dynamodb/), taken at the top of that range.
   * The runs measure DynamoDB Local, which answers slower when the machine is loaded.
   */
  dynamoDbCallMs: 10,
} as const

const MILLION = 1_000_000

/** What a function is billed for one invocation's measured time, at `memoryMb`. */
const billedMs = (wallMs: number, cpuMs: number, memoryMb: number) => {
  const stretch = Math.max(1, ASSUMPTIONS.fullCpuMemoryMb / memoryMb)
  return Math.max(0, wallMs - cpuMs) + cpuMs * stretch
}

/** How the measured time is read. */
export type TimeModel = {
  /**
   * Each DynamoDB call as taking this long (ms) instead of what DynamoDB Local took: the time
   * the function had a call outstanding shrinks in proportion to the calls' mean. Unset: the
   * wall time as measured.
   */
  dynamoDbCallMs?: number
}

/** Mean of `values` (0 for none). */
export const meanOf = (values: readonly number[]) =>
  values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0

/** A function's warm wall time (ms), as `model` reads it. */
const wallMsOf = (fn: Metering['ingest'], model: TimeModel) => {
  const { callMs, openMs } = fn.dynamodb
  if (model.dynamoDbCallMs === undefined || callMs.length === 0) return fn.wallMs
  return fn.wallMs - openMs * (1 - Math.min(1, model.dynamoDbCallMs / meanOf(callMs)))
}

/** GB-seconds per event of one function, warm invocations plus its share of cold starts. */
const gbSecondsPerEvent = (
  fn: Metering['ingest'],
  events: number,
  memoryMb: number,
  model: TimeModel,
): { warm: number; cold: number } => {
  const gb = memoryMb / 1024
  const warm = (gb * billedMs(wallMsOf(fn, model), fn.cpuMs, memoryMb)) / 1000 / events
  const coldStarts = (fn.invocations * ASSUMPTIONS.coldShare) / events
  const cold = (gb * billedMs(fn.init.wallMs, fn.init.cpuMs, memoryMb) * coldStarts) / 1000
  return { warm, cold }
}

export type CostLine = { service: string; perMillion: number; usage: string }

/**
 * Cost of one million events, per service, from one metered run (requests counted per event,
 * time measured) and the stack's facts (memory, API kind, log settings).
 */
export const costPerMillion = (metering: Metering, stack: StackFacts, model: TimeModel = {}) => {
  const { events } = metering
  const per = (count: number) => count / events
  const lines: CostLine[] = []
  const invocations = metering.ingest.invocations + metering.deliver.invocations

  if (stack.httpApi) {
    lines.push({
      service: 'API Gateway HTTP API',
      perMillion: per(metering.webhooks) * PRICES.httpApiPerMillion,
      usage: `${per(metering.webhooks).toFixed(2)} requests`,
    })
  } else {
    lines.push({ service: 'Lambda function URL', perMillion: 0, usage: 'no charge' })
  }

  const ingest = gbSecondsPerEvent(metering.ingest, events, stack.memoryMb.ingest, model)
  const deliver = gbSecondsPerEvent(metering.deliver, events, stack.memoryMb.deliver, model)
  const ms = (fn: Metering['ingest'], memory: number) =>
    billedMs(wallMsOf(fn, model), fn.cpuMs, memory) / events
  lines.push({
    service: 'Lambda requests',
    perMillion: per(invocations) * PRICES.lambdaRequestsPerMillion,
    usage: `${per(invocations).toFixed(2)} invocations`,
  })
  lines.push({
    service: 'Lambda duration',
    perMillion: (ingest.warm + deliver.warm) * MILLION * PRICES.lambdaArmGbSecond,
    usage:
      `ingest ${ms(metering.ingest, stack.memoryMb.ingest).toFixed(0)} ms at ${stack.memoryMb.ingest} MB, ` +
      `deliver ${ms(metering.deliver, stack.memoryMb.deliver).toFixed(0)} ms at ${stack.memoryMb.deliver} MB`,
  })
  lines.push({
    service: 'Lambda cold starts',
    perMillion: (ingest.cold + deliver.cold) * MILLION * PRICES.lambdaArmGbSecond,
    usage: `module init of ${(ASSUMPTIONS.coldShare * 100).toFixed(0)} % of invocations`,
  })

  const sqsCalls = (calls: Record<string, number>) =>
    Object.entries(calls)
      .filter(([command]) => command !== 'SendMessageBatch')
      .reduce((sum, [, n]) => sum + n, 0)
  const sqsRequests =
    metering.sqs.sendUnits +
    metering.sqs.receiveUnits +
    metering.sqs.deleteCalls +
    sqsCalls(metering.sqs.ingestCalls) +
    sqsCalls(metering.sqs.deliverCalls)
  lines.push({
    service: 'SQS FIFO',
    perMillion: per(sqsRequests) * PRICES.sqsFifoRequestsPerMillion,
    usage: `${per(sqsRequests).toFixed(2)} requests (send, receive, delete${sqsCalls(metering.sqs.deliverCalls) ? ', visibility' : ''})`,
  })

  const { readUnits, writeUnits } = metering.dynamodb
  lines.push({
    service: 'DynamoDB',
    perMillion:
      per(readUnits) * PRICES.dynamoReadUnitsPerMillion +
      per(writeUnits) * PRICES.dynamoWriteUnitsPerMillion,
    usage: `${per(readUnits).toFixed(2)} RRU, ${per(writeUnits).toFixed(2)} WRU`,
  })

  const platform = stack.platformLogLines ? invocations * ASSUMPTIONS.platformLogBytes : 0
  const logBytes =
    metering.ingest.logBytes +
    metering.deliver.logBytes +
    (metering.ingest.logEvents + metering.deliver.logEvents) * ASSUMPTIONS.logEventOverheadBytes +
    platform
  lines.push({
    service: 'CloudWatch Logs',
    perMillion: (per(logBytes) * MILLION * PRICES.logsIngestPerGb) / 1e9,
    usage: `${per(logBytes).toFixed(0)} bytes`,
  })
  lines.push({
    service: 'Data transfer to Halo',
    perMillion: (per(metering.halo.bytesOut) * MILLION * PRICES.transferOutPerGb) / 1e9,
    usage: `${per(metering.halo.requests).toFixed(2)} Halo requests, ${per(metering.halo.bytesOut).toFixed(0)} bytes`,
  })
  const total = lines.reduce((sum, line) => sum + line.perMillion, 0)
  return { lines, total }
}

/** Custom metrics the functions emit (EMF), by name and dimensions, read from their log lines. */
export const customMetricsOf = (lines: readonly string[]): string[] => {
  const metrics = new Set<string>()
  for (const line of lines) {
    if (!line.includes('"_aws"')) continue
    const entry = JSON.parse(line) as {
      _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] }
    } & Record<string, unknown>
    for (const directive of entry._aws.CloudWatchMetrics) {
      for (const dimensions of directive.Dimensions) {
        const key = dimensions.map((name) => `${name}=${String(entry[name])}`).join(',')
        for (const metric of directive.Metrics) metrics.add(`${metric.Name}{${key}}`)
      }
    }
  }
  return [...metrics].sort()
}

/**
 * What the stack costs a month whatever the traffic, and with a typical MSP's traffic: secrets,
 * alarms, dashboards and the custom metrics a steady run emits (each published every hour at
 * that traffic), the idle queue polling, secret reads, storage.
 */
export const monthlyCost = (
  stack: StackFacts,
  customMetrics: number,
  perMillion: number,
  eventsPerMonth: number = ASSUMPTIONS.eventsPerMonth,
) => {
  const reads = 2 * (3600 / stack.secretCacheSeconds) * 730
  const historyGb =
    (eventsPerMonth * (ASSUMPTIONS.historyDays / 30) * ASSUMPTIONS.historyItemBytes) / 1e9
  const fixed: CostLine[] = [
    {
      service: 'Secrets Manager secrets',
      perMillion: stack.secrets * PRICES.secretPerMonth,
      usage: `${stack.secrets} secret(s)`,
    },
    {
      service: 'CloudWatch alarms',
      perMillion: stack.alarmMetrics.reduce((sum, n) => sum + n, 0) * PRICES.alarmMetricPerMonth,
      usage: `${stack.alarmMetrics.length} alarms reading ${stack.alarmMetrics.reduce((sum, n) => sum + n, 0)} metrics`,
    },
    {
      service: 'CloudWatch custom metrics',
      perMillion: customMetrics * PRICES.customMetricPerMonth,
      usage: `${customMetrics} metric(s) published every hour`,
    },
    {
      service: 'CloudWatch dashboard',
      perMillion: stack.dashboards * PRICES.dashboardPerMonth,
      usage: `${stack.dashboards} dashboard(s)`,
    },
    {
      service: 'SQS idle polling',
      perMillion: (ASSUMPTIONS.idleReceivesPerMonth / MILLION) * PRICES.sqsFifoRequestsPerMillion,
      usage: `${(ASSUMPTIONS.idleReceivesPerMonth / 1000).toFixed(0)}k empty receives`,
    },
    {
      service: 'Secrets Manager reads',
      perMillion: (reads / 10_000) * PRICES.secretsApiPer10k,
      usage: `${(reads / 1000).toFixed(1)}k reads (each function once per ${stack.secretCacheSeconds / 60} min)`,
    },
    {
      service: 'DynamoDB storage and PITR',
      perMillion: historyGb * (PRICES.dynamoStorageGbMonth + PRICES.dynamoPitrGbMonth),
      usage: `${(historyGb * 1000).toFixed(0)} MB`,
    },
  ]
  const fixedTotal = fixed.reduce((sum, line) => sum + line.perMillion, 0)
  const traffic = (eventsPerMonth / MILLION) * perMillion
  return { fixed, fixedTotal, traffic, total: fixedTotal + traffic }
}

/** Reads the cost-relevant facts out of a synthesized template (`Template.toJSON()`). */
export const stackFactsOf = (template: {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>
}): StackFacts => {
  const resources = Object.entries(template.Resources)
  const functions = resources.filter(([, r]) => r.Type === 'AWS::Lambda::Function')
  const memoryOf = (prefix: string) => {
    const found = functions.find(([id]) => id.startsWith(prefix))
    return Number(found?.[1].Properties?.MemorySize ?? 128)
  }
  const logging = functions.map(
    ([, r]) => r.Properties?.LoggingConfig as { SystemLogLevel?: string } | undefined,
  )
  const env = functions.flatMap(([, r]) =>
    Object.entries(
      (r.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
        ?.Variables ?? {},
    ),
  )
  const cache = env.find(([name]) => name === 'SECRET_CACHE_SECONDS')?.[1]
  return {
    memoryMb: { ingest: memoryOf('Ingest'), deliver: memoryOf('Deliver') },
    httpApi: resources.some(([, r]) => r.Type === 'AWS::ApiGatewayV2::Api'),
    platformLogLines: logging.some((config) => (config?.SystemLogLevel ?? 'INFO') === 'INFO'),
    secrets: resources.filter(([, r]) => r.Type === 'AWS::SecretsManager::Secret').length,
    alarmMetrics: resources
      .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
      .map(([, r]) => {
        const metrics = r.Properties?.Metrics as { MetricStat?: unknown }[] | undefined
        return metrics ? metrics.filter((metric) => metric.MetricStat).length : 1
      }),
    dashboards: resources.filter(([, r]) => r.Type === 'AWS::CloudWatch::Dashboard').length,
    secretCacheSeconds: Number(cache ?? 300),
  }
}

/** Runs a month of a schedule that fires every minute (730 hours). */
export const EVERY_MINUTE_PER_MONTH = 60 * 730

/**
 * What the due sweep costs a month when it runs `runsPerMonth` times as the metered run did (one
 * invocation, one query of the due index, its queue sends, its log lines): Lambda requests and
 * duration at `memoryMb`, its share of cold starts, SQS requests, DynamoDB read units, logs.
 * Delivering the timers it queued is deliver's cost, as for any event.
 */
export const dueSweepMonthlyCost = (
  metering: DueSweepMetering,
  memoryMb: number,
  runsPerMonth: number = EVERY_MINUTE_PER_MONTH,
) => {
  const runs = metering.due.invocations
  const per = (count: number) => (count / runs) * runsPerMonth
  const gb = memoryMb / 1024
  const { due } = metering
  const sqsRequests =
    metering.sqs.sendUnits +
    Object.entries(metering.sqs.calls)
      .filter(([command]) => command !== 'SendMessageBatch')
      .reduce((sum, [, n]) => sum + n, 0)
  const logBytes = due.logBytes + due.logEvents * ASSUMPTIONS.logEventOverheadBytes
  // DynamoDB Local reports no capacity for a query that finds nothing; DynamoDB bills every
  // eventually consistent read request half a unit at least.
  const queries = metering.dynamodb.calls.Query ?? 0
  const readUnits = Math.max(metering.dynamodb.readUnits, queries * ASSUMPTIONS.minReadUnits)
  const lines: CostLine[] = [
    {
      service: 'Lambda requests',
      perMillion: (per(runs) / MILLION) * PRICES.lambdaRequestsPerMillion,
      usage: `${per(runs).toLocaleString('en')} invocations`,
    },
    {
      service: 'Lambda duration',
      perMillion:
        (per(gb * billedMs(due.wallMs, due.cpuMs, memoryMb)) / 1000) * PRICES.lambdaArmGbSecond,
      usage: `${(billedMs(due.wallMs, due.cpuMs, memoryMb) / runs).toFixed(0)} ms at ${memoryMb} MB per run`,
    },
    {
      service: 'Lambda cold starts',
      perMillion:
        ((per(runs) *
          ASSUMPTIONS.coldShare *
          gb *
          billedMs(due.init.wallMs, due.init.cpuMs, memoryMb)) /
          1000) *
        PRICES.lambdaArmGbSecond,
      usage: `module init of ${(ASSUMPTIONS.coldShare * 100).toFixed(0)} % of invocations`,
    },
    {
      service: 'SQS FIFO',
      perMillion: (per(sqsRequests) / MILLION) * PRICES.sqsFifoRequestsPerMillion,
      usage: `${(sqsRequests / runs).toFixed(2)} requests per run`,
    },
    {
      service: 'DynamoDB',
      perMillion: (per(readUnits) / MILLION) * PRICES.dynamoReadUnitsPerMillion,
      usage: `${(readUnits / runs).toFixed(2)} RRU per run`,
    },
    {
      service: 'CloudWatch Logs',
      perMillion: (per(logBytes) / 1e9) * PRICES.logsIngestPerGb,
      usage: `${(logBytes / runs).toFixed(0)} bytes per run`,
    },
  ]
  return { lines, total: lines.reduce((sum, line) => sum + line.perMillion, 0) }
}
