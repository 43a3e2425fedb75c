import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs'
import type { Context } from 'aws-lambda'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AWS_ENV } from '../../../shared/aws-env.js'
import type { DueEnvelope } from '../../../shared/envelope.js'
import { EnvelopeSchema } from '../../../shared/envelope-schema.js'
import { createDynamoDbCorrelationStore } from '../../../shared/lifecycle/dynamodb-correlation-store.js'
import type { DueSweepReport } from '../../../shared/timers/run-due-sweep.js'
import { type AwsStandIn, standInEnv, startAwsStandIn } from '../../support/aws/aws-stand-in.js'
import { bundleHandler, ROOT, removeBundles } from '../../support/aws/bundle-handler.js'
import { lambdaContext } from '../../support/aws/lambda-events.js'
import {
  correlationRecord,
  standInDueAtOf,
} from '../../support/contracts/correlation-store-contract.js'
import { type DynamoDbLocal, startDynamoDbLocal } from '../../support/dynamodb-local.js'
import { setEnv } from '../../support/scoped-env.js'

type Handler = (event: unknown, context: Context) => Promise<DueSweepReport>
let handler: Handler
let local: DynamoDbLocal
const table = `state-${randomUUID()}`

// The bundle's own (bundled) SDK clients talk to DynamoDB Local and a local stand-in of SQS.
let aws: AwsStandIn

let restoreEnv: () => void = () => {}

beforeAll(async () => {
  ;[local, aws] = await Promise.all([startDynamoDbLocal(), startAwsStandIn()])
  await local.createStateTable(table)
  // Only what the stack gives it: no Halo URL, no secret.
  restoreEnv = setEnv({
    ...standInEnv(aws),
    [AWS_ENV.queueUrl]: aws.queueUrl('halo-hooks-queue.fifo'),
    [AWS_ENV.tableName]: table,
    AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_METRICS_DISABLED: 'true',
    [AWS_ENV.haloSecretId]: undefined,
    [AWS_ENV.haloBaseUrl]: undefined,
  })
  const url = await bundleHandler('due', 'due', join(ROOT, 'test/support/aws/handler-config.ts'))
  handler = (await import(url)).handler
}, 60_000)

afterAll(async () => {
  restoreEnv()
  await Promise.all([local?.stop(), aws?.close()])
  removeBundles('due')
})

beforeEach(() => {
  aws.reset()
})

const queued = (): DueEnvelope[] =>
  aws
    .calls<{ Entries?: SendMessageBatchRequestEntry[] }>('SendMessageBatch')
    .flatMap((call) => call.Entries ?? [])
    .map((entry) => EnvelopeSchema.parse(JSON.parse(entry.MessageBody ?? '')))
    .filter((envelope): envelope is DueEnvelope => envelope.v === 3)

// Records are written with a stand-in deadline (no policy keeps one yet); the bundle only reads
// the index they are in.
const store = () =>
  createDynamoDbCorrelationStore({
    client: local.documents,
    tableName: table,
    dueAtOf: standInDueAtOf,
  })

describe('bundled due sweep handler (schedule target)', () => {
  it('queues a timer per due problem of a configured route, in its problem’s message group, oldest first', async () => {
    const put = (route: string, key: string, lastNotedAt: string | undefined) =>
      store().put(correlationRecord({ route, key, lastNotedAt }), undefined)
    await put('alerts', 'b', '2026-01-01T00:02:00.000Z')
    await put('alerts', 'a', '2026-01-01T00:01:00.000Z')
    await put('removed', 'c', '2026-01-01T00:00:00.000Z')
    await put('alerts', 'later', '2999-01-01T00:00:00.000Z')
    await put('alerts', 'never', undefined)

    const report = await handler({}, lambdaContext('due'))

    expect(report).toEqual({ listed: 2, queued: 2 })
    expect(queued().map((timer) => [timer.route, timer.due])).toEqual([
      ['alerts', { key: 'a', at: '2026-01-01T00:01:00.000Z' }],
      ['alerts', { key: 'b', at: '2026-01-01T00:02:00.000Z' }],
    ])
    const entries = aws
      .calls<{ Entries?: SendMessageBatchRequestEntry[] }>('SendMessageBatch')
      .flatMap((call) => call.Entries ?? [])
    expect(entries.map((entry) => entry.MessageGroupId)).toEqual(['alerts:a', 'alerts:b'])
    expect(entries.map((entry) => entry.MessageDeduplicationId)).toEqual(
      queued().map((timer) => timer.id),
    )
    // It reads nothing else: no secret, no Halo.
    expect(aws.calls('GetSecretValue')).toEqual([])
  })
})
