import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs'
import type { Context } from 'aws-lambda'
import { mockClient } from 'aws-sdk-client-mock'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SANDBOX_CREDENTIALS } from '../../../local/halo-sandbox/halo-sandbox.js'
import {
  type RunningHaloSandbox,
  startHaloSandbox,
} from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { AWS_ENV } from '../../../shared/aws-env.js'
import { EnvelopeSchema, type TicketEventEnvelope } from '../../../shared/envelope.js'
import { createDynamoDbRateBudget } from '../../../shared/halo/dynamodb-rate-budget.js'
import { createHaloClient } from '../../../shared/halo/halo-client.js'
import { createDynamoDbCorrelationStore } from '../../../shared/lifecycle/dynamodb-correlation-store.js'
import type { SweepReport } from '../../../shared/reconcile/run-sweep.js'
import { bundleHandler, ROOT, removeBundles } from '../../support/aws/bundle-handler.js'
import { lambdaContext } from '../../support/aws/lambda-events.js'
import { correlationRecord } from '../../support/contracts/correlation-store-contract.js'
import { type DynamoDbLocal, startDynamoDbLocal } from '../../support/dynamodb-local.js'

type Handler = (event: unknown, context: Context) => Promise<SweepReport>
let handler: Handler
let local: DynamoDbLocal
let halo: RunningHaloSandbox
const table = `state-${randomUUID()}`

const sqsMock = mockClient(SQSClient)
const secretsMock = mockClient(SecretsManagerClient)
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/halo-hooks-queue.fifo'
const BUDGET = { limit: 20, windowSeconds: 300 }

beforeAll(async () => {
  ;[local, halo] = await Promise.all([startDynamoDbLocal(), startHaloSandbox()])
  await local.createStateTable(table)
  Object.assign(process.env, {
    [AWS_ENV.queueUrl]: QUEUE_URL,
    [AWS_ENV.secretId]: 'halo-hooks/secrets',
    [AWS_ENV.tableName]: table,
    [AWS_ENV.haloBaseUrl]: halo.url,
    [AWS_ENV.haloBudgetLimit]: String(BUDGET.limit),
    [AWS_ENV.haloBudgetWindowSeconds]: String(BUDGET.windowSeconds),
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // The real SDK of the bundle talks to DynamoDB Local; SQS and Secrets Manager are stubbed.
    AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_METRICS_DISABLED: 'true',
  })
  const url = await bundleHandler(
    'functions/sweep/handler.ts',
    'sweep',
    join(ROOT, 'test/support/aws/handler-config.ts'),
  )
  handler = (await import(url)).handler
}, 60_000)

afterAll(async () => {
  await Promise.all([local?.stop(), halo?.close()])
  removeBundles('sweep')
})

beforeEach(() => {
  sqsMock.reset()
  secretsMock.reset()
  secretsMock
    .on(GetSecretValueCommand)
    .resolves({ SecretString: JSON.stringify({ halo: SANDBOX_CREDENTIALS, routes: {} }) })
  sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((entry) => ({
      Id: entry.Id,
      MessageId: randomUUID(),
      MD5OfMessageBody: '',
    })),
    Failed: [],
  }))
  halo.sandbox.reset()
})

const queued = (): TicketEventEnvelope[] =>
  sqsMock
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => call.args[0].input.Entries ?? [])
    .map((entry) => EnvelopeSchema.parse(JSON.parse(entry.MessageBody ?? '')))
    .filter((envelope): envelope is TicketEventEnvelope => envelope.v === 2)

const store = () => createDynamoDbCorrelationStore({ client: local.documents, tableName: table })
const ticketReads = () =>
  halo.sandbox.requests().filter((request) => /^get \/api\/tickets\/\d+/.test(request.path))

/** A ticket in the sandbox and the open record that owns it, checked long ago. */
const openTicket = async (checkedAt: string) => {
  const client = createHaloClient({ baseUrl: halo.url, ...SANDBOX_CREDENTIALS, budget: false })
  const ticket = await client.createTicket({ summary: `Disk full ${randomUUID()}`, client_id: 1 })
  const record = correlationRecord({ route: 'alerts', ticketId: ticket.id, checkedAt })
  await store().put(record, undefined)
  return ticket.id
}

describe('bundled sweep handler (schedule target)', () => {
  it('reads the open tickets in the shared budget and queues a closure found for deliver to apply', async () => {
    const closed = await openTicket('1971-01-01T00:00:00.000Z')
    const open = await openTicket('1971-01-01T00:00:01.000Z')
    halo.sandbox.closeAsTechnician(closed)

    const report = await handler({}, lambdaContext('sweep'))

    expect(report).toMatchObject({ queued: 2, failed: 0 })
    const events = queued().map((envelope) => envelope.ticketEvent)
    expect(events[0]).toMatchObject({ ticketId: closed, hasBeenClosed: true, statusId: 9 })
    expect(events[1]).toMatchObject({ ticketId: open, statusId: 1 })
    expect(queued()[0]).toMatchObject({ route: 'alerts', source: 'reconcile' })
  })

  it('stops at once, reading nothing, when others hold the sweep share of the shared budget', async () => {
    await openTicket('1970-06-01T00:00:00.000Z')
    // Another worker's budget on the same item: its lookups fill a fifth of the window.
    const others = createDynamoDbRateBudget({
      client: local.documents,
      tableName: table,
      limit: BUDGET.limit,
      windowMs: BUDGET.windowSeconds * 1000,
    })
    for (let taken = 0; taken < BUDGET.limit * 0.2; taken++) await others.take(Date.now(), 'read')
    const before = ticketReads().length

    const report = await handler({}, lambdaContext('sweep'))

    expect(report).toMatchObject({ queued: 0, stoppedBy: 'budget' })
    expect(ticketReads().length).toBe(before)
    expect(queued()).toEqual([])
  })
})
