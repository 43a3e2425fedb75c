import { fileURLToPath } from 'node:url'
import { AWS_ENV } from '../shared/aws-env.js'
import type { Metering } from '../test/support/aws/metered-pipeline.js'
import { startMeteredPipeline } from '../test/support/aws/metered-pipeline.js'
import { median } from './support/cold-start.js'
import {
  ASSUMPTIONS,
  costPerMillion,
  customMetricsOf,
  meanOf,
  monthlyCost,
  PRICES_CHECKED,
  type StackFacts,
  stackFactsOf,
  type TimeModel,
} from './support/cost-model.js'

// What the deployed stack costs per million events and per month, computed from the synthesized
// template (memory, API, log settings, secrets, alarms, dashboards) and from counts measured by
// running the bundled handlers over real requests (test/support/aws/metered-pipeline.ts; the
// pieces the counts come from are held by tests of their own: one history put per outcome and no
// index write for it, a batch's budget lease in one write). docs/deploy.md's tables are this
// section's output.

/** Halo's answer time assumed for a hosted instance (the sandbox is made this slow). */
const HALO_LATENCY_MS = 300
/** In-region SQS and Secrets Manager call times assumed for the stubs. */
const SQS_LATENCY_MS = 15
const SECRETS_LATENCY_MS = 30

type Template = {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>
}

/** The stack as `cdk synth` builds it from the project's config, without bundling. */
const synthesize = async (context: Record<string, unknown> = {}): Promise<Template> => {
  process.env.CDK_VALIDATION = 'false'
  const [{ App }, { Template }, { createApp }] = await Promise.all([
    import('aws-cdk-lib'),
    import('aws-cdk-lib/assertions'),
    import('../infra/app.js'),
  ])
  const { stack } = createApp(new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } }))
  return Template.fromStack(stack).toJSON() as Template
}

/** The plain-text environment the template gives a function (references are the run's own). */
const literalEnvOf = (template: Template, prefix: string): Record<string, string> => {
  const fn = Object.entries(template.Resources).find(
    ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(prefix),
  )
  const variables =
    (fn?.[1].Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables ?? {}
  // Lambda sets these from the function's logging config.
  const logging = fn?.[1].Properties?.LoggingConfig as
    | { LogFormat?: string; ApplicationLogLevel?: string }
    | undefined
  const own = new Set<string>([AWS_ENV.haloBaseUrl, AWS_ENV.maxReceiveCount])
  return {
    ...Object.fromEntries(
      Object.entries(variables).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && !own.has(entry[0]),
      ),
    ),
    ...(logging?.LogFormat ? { AWS_LAMBDA_LOG_FORMAT: logging.LogFormat } : {}),
    ...(logging?.ApplicationLogLevel ? { AWS_LAMBDA_LOG_LEVEL: logging.ApplicationLogLevel } : {}),
  }
}

const usd = (value: number) => `$${value.toFixed(value < 0.1 ? 3 : 2)}`

const perEvent = (metering: Metering) => {
  const per = (n: number) => (n / metering.events).toFixed(2)
  const calls = (record: Record<string, number>) =>
    Object.entries(record)
      .map(([name, n]) => `${name} ${per(n)}`)
      .join(', ') || 'none'
  return [
    `  ${metering.events} events in ${metering.webhooks} webhooks; deliver outcomes: ${JSON.stringify(metering.outcomes)}`,
    `  per event: invocations ingest ${per(metering.ingest.invocations)}, deliver ${per(metering.deliver.invocations)}`,
    `  per event: SQS ingest ${calls(metering.sqs.ingestCalls)} (${per(metering.sqs.sendUnits)} × 64 KB), event source receive ${per(metering.sqs.receiveUnits)}, delete ${per(metering.sqs.deleteCalls)}, deliver ${calls(metering.sqs.deliverCalls)}`,
    `  per event: DynamoDB ${calls(metering.dynamodb.calls)}; ${per(metering.dynamodb.readUnits)} RRU, ${per(metering.dynamodb.writeUnits)} WRU (${metering.dynamodb.refusedWrites} refused writes)`,
    `  per event: Halo ${per(metering.halo.requests)} requests (${JSON.stringify(metering.halo.byEndpoint)}), ${per(metering.halo.bytesOut)} bytes out; Secrets Manager ${per(metering.secretsManager.getSecretValue)} reads (warm)`,
    `  per event: logs ingest ${per(metering.ingest.logEvents)} lines ${per(metering.ingest.logBytes)} B, deliver ${per(metering.deliver.logEvents)} lines ${per(metering.deliver.logBytes)} B`,
    `  per event: deliver had a DynamoDB call outstanding for ${per(metering.deliver.dynamodb.openMs)} ms of its wall time; DynamoDB Local answered its calls in ${median(metering.deliver.dynamodb.callMs).toFixed(1)} ms (median; mean ${meanOf(metering.deliver.dynamodb.callMs).toFixed(1)} ms)`,
    `  per event: wall ms ingest ${per(metering.ingest.wallMs)} (cpu ${per(metering.ingest.cpuMs)}), deliver ${per(metering.deliver.wallMs)} (cpu ${per(metering.deliver.cpuMs)}); init ingest ${metering.ingest.init.wallMs.toFixed(0)} ms (cpu ${metering.ingest.init.cpuMs.toFixed(0)}), deliver ${metering.deliver.init.wallMs.toFixed(0)} ms (cpu ${metering.deliver.init.cpuMs.toFixed(0)}); max RSS ingest ${(metering.ingest.maxRssBytes / 2 ** 20).toFixed(0)} MiB, deliver ${(metering.deliver.maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
  ]
}

const table = (title: string, rows: { service: string; perMillion: number; usage: string }[]) => [
  `| ${title} | usage per event | per million events |`,
  '| --- | --- | --- |',
  ...rows.map((row) => `| ${row.service} | ${row.usage} | ${usd(row.perMillion)} |`),
]

/** Both runs, costed against the stack's facts (and the alternatives the doc discusses). */
export const costReport = (
  runs: Metering[],
  stack: StackFacts,
  alternatives: { label: string; stack: StackFacts; model?: TimeModel }[] = [],
) => {
  const lines: string[] = []
  const costs = runs.map((metering) => ({ metering, cost: costPerMillion(metering, stack) }))
  for (const { metering, cost } of costs) {
    lines.push(
      `cost at ${metering.eventsPerInvocation} event(s) per invocation: ${usd(cost.total)} per million events`,
    )
    lines.push(...perEvent(metering))
    lines.push(...table('service', cost.lines))
    lines.push(`| **total** | | **${usd(cost.total)}** |`)
    lines.push('')
  }
  for (const alternative of alternatives) {
    lines.push(
      `cost with ${alternative.label}: ` +
        costs
          .map(
            ({ metering }) =>
              `${usd(costPerMillion(metering, alternative.stack, alternative.model).total)} at ${metering.eventsPerInvocation}`,
          )
          .join(', '),
    )
  }
  const first = runs[0]
  if (first) {
    lines.push('')
    lines.push('memory (MB) ingest/deliver → cost per million at 1 and 10 events per invocation:')
    for (const memory of [128, 256, 512]) {
      const at = { ...stack, memoryMb: { ingest: memory, deliver: memory } }
      lines.push(
        `  ${memory}: ` +
          runs.map((metering) => usd(costPerMillion(metering, at).total)).join(', '),
      )
    }
  }
  const steady = runs.at(-1)
  if (steady && first) {
    const metrics = customMetricsOf([...first.deliverLogSample, ...first.ingestLogSample])
    const quiet = costPerMillion(first, stack).total
    const month = monthlyCost(stack, metrics.length, quiet)
    lines.push('')
    lines.push(`custom metrics emitted on every invocation: ${metrics.join(', ') || 'none'}`)
    lines.push(
      ...table('fixed, per month', month.fixed).map((line) =>
        line.replace('usage per event', 'what').replace('per million events', 'per month'),
      ),
    )
    lines.push(`| **fixed total** | | **${usd(month.fixedTotal)}** |`)
    lines.push(
      `a month of ${ASSUMPTIONS.eventsPerMonth.toLocaleString('en')} events at 1 per invocation: ${usd(month.fixedTotal)} fixed + ${usd(month.traffic)} traffic = ${usd(month.total)}`,
    )
  }
  lines.push(
    `assumptions: us-east-1 list prices checked ${PRICES_CHECKED}; Halo answers in ${HALO_LATENCY_MS} ms, SQS in ${SQS_LATENCY_MS} ms, Secrets Manager in ${SECRETS_LATENCY_MS} ms; CPU time measured here stretches by 1769/memory below 1769 MB; ${(ASSUMPTIONS.coldShare * 100).toFixed(0)} % cold invocations; free tiers not counted`,
  )
  return lines
}

const AT_DYNAMODB_SPEED: TimeModel = { dynamoDbCallMs: ASSUMPTIONS.dynamoDbCallMs }

/** `npm run bench` section: the measured counts and the cost tables docs/deploy.md carries. */
export async function benchCost(): Promise<string[]> {
  const template = await synthesize()
  const stack = stackFactsOf(template)
  const pipeline = await startMeteredPipeline({
    memoryMb: stack.memoryMb,
    haloLatencyMs: HALO_LATENCY_MS,
    sqsLatencyMs: SQS_LATENCY_MS,
    secretsLatencyMs: SECRETS_LATENCY_MS,
    ingestEnv: literalEnvOf(template, 'Ingest'),
    deliverEnv: literalEnvOf(template, 'Deliver'),
  })
  try {
    const runs = [await pipeline.run(1), await pipeline.run(10)]
    return costReport(runs, stack, [
      { label: 'the HTTP API in place of a function URL', stack: { ...stack, httpApi: true } },
      { label: 'a function URL in place of the HTTP API', stack: { ...stack, httpApi: false } },
      {
        label: `DynamoDB answering in ${ASSUMPTIONS.dynamoDbCallMs} ms a call, as in AWS (the measured time with DynamoDB Local's share scaled to it)`,
        stack,
        model: AT_DYNAMODB_SPEED,
      },
      {
        label: `both (a function URL, DynamoDB at ${ASSUMPTIONS.dynamoDbCallMs} ms a call)`,
        stack: { ...stack, httpApi: false },
        model: AT_DYNAMODB_SPEED,
      },
    ])
  } finally {
    await pipeline.stop()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchCost()) process.stdout.write(`${line}\n`)
}
