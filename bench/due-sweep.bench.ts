import { fileURLToPath } from 'node:url'
import { createDynamoDbCorrelationStore } from '../shared/lifecycle/dynamodb-correlation-store.js'
import {
  type DueSweepMetering,
  startMeteredPipeline,
} from '../test/support/aws/metered-pipeline.js'
import {
  correlationRecord,
  standInDueAtOf,
} from '../test/support/contracts/correlation-store-contract.js'
import {
  dueSweepMonthlyCost,
  EVERY_MINUTE_PER_MONTH,
  PRICES_CHECKED,
} from './support/cost-model.js'

// What the due sweep costs per run and per month at one run a minute, from the bundled due
// function run against DynamoDB Local (read units as DynamoDB reports them through the capacity
// proxy) and the SQS stub: with nothing due (the steady state: heartbeats that keep pinging, no
// quiet period ending) as the baseline, and with 10, 100 and 500 problems due in one sweep.
// Delivering the timers is deliver's cost, as for any event. Reports numbers; asserts nothing.

/** The due function's memory in the stack (infra/constructs/due-schedule.ts). */
const MEMORY_MB = 128
const SQS_LATENCY_MS = 15
const DUE_COUNTS = [0, 10, 100, 500]

const usd = (value: number) => `$${value.toFixed(value < 0.1 ? 3 : 2)}`

export const benchDueSweep = async (): Promise<string[]> => {
  const pipeline = await startMeteredPipeline({
    due: { memoryMb: MEMORY_MB },
    sqsLatencyMs: SQS_LATENCY_MS,
  })
  try {
    // The records' due times are stood in (no policy is configured on the metering routes): the
    // function only reads the index they are in.
    const store = createDynamoDbCorrelationStore({
      client: pipeline.local.documents,
      tableName: pipeline.table,
      dueAtOf: standInDueAtOf,
    })
    let seeded = 0
    const dueNow = async (count: number) => {
      for (; seeded < count; seeded++) {
        await store.put(
          correlationRecord({
            route: 'prometheus',
            key: `heartbeat-${seeded}`,
            lastNotedAt: new Date(Date.now() - 60_000).toISOString(),
          }),
          undefined,
        )
      }
    }
    await pipeline.sweepDue() // warm: its first query and queue client
    const runs: { due: number; metering: DueSweepMetering }[] = []
    for (const due of DUE_COUNTS) {
      await dueNow(due)
      runs.push({ due, metering: await pipeline.sweepDue() })
    }
    const baseline = runs[0]
    if (!baseline) throw new Error('no baseline run')
    const base = dueSweepMonthlyCost(baseline.metering, MEMORY_MB)
    const lines = [
      `due sweep at ${MEMORY_MB} MB, one run a minute (${EVERY_MINUTE_PER_MONTH.toLocaleString('en')} a month); init ${baseline.metering.due.init.wallMs.toFixed(0)} ms (cpu ${baseline.metering.due.init.cpuMs.toFixed(0)})`,
      '| due in one run | listed / queued | DynamoDB RRU | SQS requests | wall ms (cpu) | log bytes | per month if every run were so | × nothing due |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ]
    for (const { due, metering } of runs) {
      const month = dueSweepMonthlyCost(metering, MEMORY_MB)
      const sqs = metering.sqs.sendUnits
      lines.push(
        `| ${due} | ${metering.report.listed} / ${metering.report.queued} | ${metering.dynamodb.readUnits.toFixed(1)} | ${sqs} | ${metering.due.wallMs.toFixed(0)} (${metering.due.cpuMs.toFixed(0)}) | ${metering.due.logBytes} | ${usd(month.total)} | ${(month.total / base.total).toFixed(2)} |`,
      )
    }
    lines.push('')
    lines.push('| nothing due, per month | usage | cost |')
    lines.push('| --- | --- | --- |')
    for (const line of base.lines) {
      lines.push(`| ${line.service} | ${line.usage} | ${usd(line.perMillion)} |`)
    }
    lines.push(`| **total** | | **${usd(base.total)}** |`)
    lines.push(
      `assumptions: us-east-1 list prices checked ${PRICES_CHECKED}; SQS answers in ${SQS_LATENCY_MS} ms; CPU time stretches by 1769/memory; a query bills half a read unit at least (DynamoDB Local reports none when it finds nothing); free tiers not counted`,
    )
    return lines
  } finally {
    await pipeline.stop()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchDueSweep()) process.stdout.write(`${line}\n`)
}
