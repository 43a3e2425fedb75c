import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { ChangeMessageVisibilityBatchRequestEntry } from '@aws-sdk/client-sqs'
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda'
import { SANDBOX_CREDENTIALS } from '../local/halo-sandbox/halo-sandbox.js'
import { startHaloSandbox } from '../local/halo-sandbox/start-halo-sandbox.js'
import { AWS_ENV } from '../shared/aws-env.js'
import { standInEnv, startAwsStandIn } from '../test/support/aws/aws-stand-in.js'
import { bundleHandler, ROOT, removeBundles } from '../test/support/aws/bundle-handler.js'
import { envelopeFor } from '../test/support/aws/envelopes.js'
import { lambdaContext, sqsEvent, sqsFifoRecord } from '../test/support/aws/lambda-events.js'
import { startDynamoDbLocal } from '../test/support/dynamodb-local.js'

// What the deliver Lambda is billed for when the Halo budget is saturated: the bundled handler
// runs against DynamoDB Local (the real SDK, the shared budget item) and the Halo sandbox with a
// realistic latency; SQS is a local stand-in (its JSON protocol) that honours the visibility each deferral sets. The figure
// is billed time (handler duration) per Halo request it made, against Halo's own latency.

const ALERTS = 100
const HALO_LATENCY_MS = 80
const BUDGET = { limit: 20, windowSeconds: 4 }

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>

export const benchDeliverBilling = async (): Promise<string[]> => {
  const [local, halo, aws] = await Promise.all([
    startDynamoDbLocal(),
    startHaloSandbox(),
    startAwsStandIn(),
  ])
  const table = `bench-${randomUUID()}`
  try {
    await local.createStateTable(table)
    halo.sandbox.setFaults({ latencyMs: HALO_LATENCY_MS })
    aws.on('GetSecretValue', {
      output: { SecretString: JSON.stringify({ halo: SANDBOX_CREDENTIALS, routes: {} }) },
    })
    Object.assign(process.env, {
      ...standInEnv(aws),
      [AWS_ENV.queueUrl]: aws.queueUrl('bench.fifo'),
      [AWS_ENV.deadLetterQueueUrl]: aws.queueUrl('dlq.fifo'),
      [AWS_ENV.haloSecretId]: 'bench',
      [AWS_ENV.tableName]: table,
      [AWS_ENV.haloBaseUrl]: halo.url,
      [AWS_ENV.haloBudgetLimit]: String(BUDGET.limit),
      [AWS_ENV.haloBudgetWindowSeconds]: String(BUDGET.windowSeconds),
      [AWS_ENV.maxReceiveCount]: '1000',
      AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
      POWERTOOLS_LOG_LEVEL: 'CRITICAL',
      POWERTOOLS_METRICS_DISABLED: 'true',
    })
    const url = await bundleHandler(
      'deliver',
      'bench-deliver',
      join(ROOT, 'test/support/aws/handler-config.ts'),
    )
    const handler = (await import(url)).handler as Handler

    // Halo's own latency from this process, the baseline.
    const latencies: number[] = []
    for (let i = 0; i < 20; i++) {
      const started = performance.now()
      await fetch(`${halo.url}/api/authinfo`)
      latencies.push(performance.now() - started)
    }
    halo.sandbox.reset()
    halo.sandbox.setFaults({ latencyMs: HALO_LATENCY_MS })
    const haloLatency = latencies.sort((a, b) => a - b)[latencies.length >> 1] ?? 0

    // The queue: every alert its own group, each visible again when its deferral says.
    const waiting = new Map<string, { record: SQSRecord; visibleAt: number; receives: number }>()
    for (let i = 0; i < ALERTS; i++) {
      const value = envelopeFor({ route: 'alerts' })
      const envelope = { ...value, id: randomUUID(), alert: { ...value.alert, key: `k${i}` } }
      const record = sqsFifoRecord({
        body: JSON.stringify(envelope),
        groupId: `alerts:k${i}`,
        deduplicationId: envelope.id,
      })
      waiting.set(record.messageId, { record, visibleAt: 0, receives: 0 })
    }
    let billedMs = 0
    let invocations = 0
    const started = performance.now()
    while (waiting.size > 0) {
      const now = Date.now()
      const visible = [...waiting.values()].filter((entry) => entry.visibleAt <= now).slice(0, 10)
      if (visible.length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        continue
      }
      aws.reset()
      aws.on('GetSecretValue', {
        output: { SecretString: JSON.stringify({ halo: SANDBOX_CREDENTIALS, routes: {} }) },
      })
      const records = visible.map((entry) => {
        entry.receives += 1
        return {
          ...entry.record,
          attributes: {
            ...entry.record.attributes,
            ApproximateReceiveCount: String(entry.receives),
          },
        }
      })
      const invoked = performance.now()
      const response = await handler(sqsEvent(records), lambdaContext('deliver'))
      billedMs += performance.now() - invoked
      invocations += 1
      const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier))
      const visibility = new Map(
        aws
          .calls<{ Entries?: ChangeMessageVisibilityBatchRequestEntry[] }>(
            'ChangeMessageVisibilityBatch',
          )
          .flatMap((input) => input.Entries ?? [])
          .map((entry) => [entry.ReceiptHandle, entry.VisibilityTimeout ?? 0]),
      )
      for (const record of records) {
        const entry = waiting.get(record.messageId)
        if (!entry) continue
        if (!failed.has(record.messageId)) waiting.delete(record.messageId)
        else entry.visibleAt = Date.now() + (visibility.get(record.receiptHandle) ?? 30) * 1000
      }
    }
    const elapsed = performance.now() - started
    const served = halo.sandbox.requests().filter((request) => request.status < 400).length
    const perRequest = billedMs / served
    return [
      `Deliver Lambda (bundled handler, DynamoDB Local budget, Halo sandbox with ${HALO_LATENCY_MS} ms latency), ${ALERTS} alerts against a budget of ${BUDGET.limit} per ${BUDGET.windowSeconds} s:`,
      `  billed ${(billedMs / 1000).toFixed(1)} s over ${invocations} invocations for ${served} Halo requests = ${perRequest.toFixed(0)} ms per Halo request; Halo's own latency from here: ${haloLatency.toFixed(0)} ms → ${(perRequest / haloLatency).toFixed(2)}×`,
      `  ${halo.sandbox.tickets().length} tickets in ${(elapsed / 1000).toFixed(1)} s; while the budget is saturated each record is deferred to its place in the budget's line instead of waited for`,
      '  method: handler wall time summed over every invocation until the queue is empty; the SQS stand-in makes each deferred record visible again when its ChangeMessageVisibility says.',
    ]
  } finally {
    removeBundles('bench-deliver')
    await Promise.all([local.stop(), halo.close(), aws.close()])
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchDeliverBilling()) process.stdout.write(`${line}\n`)
}
