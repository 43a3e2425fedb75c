import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs'
import { GetCommand } from '@aws-sdk/lib-dynamodb'
import type { Context } from 'aws-lambda'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { SANDBOX_CREDENTIALS } from '../../../local/halo-sandbox/halo-sandbox.js'
import {
  type RunningHaloSandbox,
  startHaloSandbox,
} from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { AWS_ENV } from '../../../shared/aws-env.js'
import type { TicketEventEnvelope } from '../../../shared/envelope.js'
import { EnvelopeSchema } from '../../../shared/envelope-schema.js'
import { createDynamoDbRateBudget } from '../../../shared/halo/dynamodb-rate-budget.js'
import { createHaloClient } from '../../../shared/halo/halo-client.js'
import { createDynamoDbCorrelationStore } from '../../../shared/lifecycle/dynamodb-correlation-store.js'
import { SWEEP_CURSOR_KEY } from '../../../shared/reconcile/dynamodb-sweep-cursor.js'
import type { SweepReport } from '../../../shared/reconcile/run-sweep.js'
import { type AwsStandIn, standInEnv, startAwsStandIn } from '../../support/aws/aws-stand-in.js'
import { bundleHandler, ROOT, removeBundles } from '../../support/aws/bundle-handler.js'
import { lambdaContext } from '../../support/aws/lambda-events.js'
import { correlationRecord } from '../../support/contracts/correlation-store-contract.js'
import { type DynamoDbLocal, startDynamoDbLocal } from '../../support/dynamodb-local.js'
import { setEnv } from '../../support/scoped-env.js'

type Handler = (event: unknown, context: Context) => Promise<SweepReport>
let handler: Handler
let local: DynamoDbLocal
let halo: RunningHaloSandbox
const table = `state-${randomUUID()}`

// The bundle's own (bundled) SDK clients talk to a local stand-in of SQS and Secrets Manager.
let aws: AwsStandIn
const BUDGET = { limit: 20, windowSeconds: 300 }

let restoreEnv: () => void = () => {}

beforeAll(async () => {
  ;[local, halo, aws] = await Promise.all([
    startDynamoDbLocal(),
    startHaloSandbox(),
    startAwsStandIn(),
  ])
  await local.createStateTable(table)
  restoreEnv = setEnv({
    ...standInEnv(aws),
    [AWS_ENV.queueUrl]: aws.queueUrl('halo-hooks-queue.fifo'),
    [AWS_ENV.haloSecretId]: 'halo-hooks/halo',
    [AWS_ENV.tableName]: table,
    [AWS_ENV.haloBaseUrl]: halo.url,
    [AWS_ENV.haloBudgetLimit]: String(BUDGET.limit),
    [AWS_ENV.haloBudgetWindowSeconds]: String(BUDGET.windowSeconds),
    // The bundle's SDK talks to DynamoDB Local, and to the stand-in for SQS and Secrets Manager.
    AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
    POWERTOOLS_LOG_LEVEL: 'CRITICAL',
    POWERTOOLS_METRICS_DISABLED: 'true',
  })
  const url = await bundleHandler(
    'sweep',
    'sweep',
    join(ROOT, 'test/support/aws/handler-config.ts'),
  )
  handler = (await import(url)).handler
}, 60_000)

afterAll(async () => {
  restoreEnv()
  await Promise.all([local?.stop(), halo?.close(), aws?.close()])
  removeBundles('sweep')
})

beforeEach(() => {
  aws.reset()
  aws.on('GetSecretValue', {
    output: { SecretString: JSON.stringify({ halo: SANDBOX_CREDENTIALS, routes: {} }) },
  })
  halo.sandbox.reset()
})

const queued = (): TicketEventEnvelope[] =>
  aws
    .calls<{ Entries?: SendMessageBatchRequestEntry[] }>('SendMessageBatch')
    .flatMap((call) => call.Entries ?? [])
    .map((entry) => EnvelopeSchema.parse(JSON.parse(entry.MessageBody ?? '')))
    .filter((envelope): envelope is TicketEventEnvelope => envelope.v === 2)

const store = () => createDynamoDbCorrelationStore({ client: local.documents, tableName: table })
const ticketReads = () =>
  halo.sandbox.requests().filter((request) => /^get \/api\/tickets\/\d+/.test(request.path))

/** A ticket in the sandbox and the open record that owns it, last heard from Halo long ago. */
const openTicket = async (heardAt: string) => {
  const client = createHaloClient({ baseUrl: halo.url, ...SANDBOX_CREDENTIALS, budget: false })
  const ticket = await client.createTicket({ summary: `Disk full ${randomUUID()}`, client_id: 1 })
  const record = correlationRecord({ route: 'alerts', ticketId: ticket.id, haloEventAt: heardAt })
  await store().put(record, undefined)
  return ticket.id
}

describe('bundled sweep handler (schedule target)', () => {
  it('reads the open tickets in the shared budget and queues a closure found for deliver to apply', async () => {
    const closed = await openTicket('1971-01-01T00:00:00.000Z')
    const open = await openTicket('1971-01-01T00:00:01.000Z')
    halo.sandbox.closeAsTechnician(closed)

    const report = await handler({}, lambdaContext('sweep'))

    // The ticket still open costs no message: only the closure goes to deliver.
    expect(report).toMatchObject({ listed: 2, queued: 1, unchanged: 1, failed: 0 })
    const events = queued().map((envelope) => envelope.ticketEvent)
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({ ticketId: closed, hasBeenClosed: true, statusId: 9 })
    expect(queued()[0]).toMatchObject({ route: 'alerts', source: 'reconcile' })
    expect(ticketReads().map((request) => request.path)).toEqual([
      `get /api/tickets/${closed}`,
      `get /api/tickets/${open}`,
    ])
    // It reached the end with no cursor before it: none is kept, the next sweep starts over.
    expect(
      (
        await local.documents.send(
          new GetCommand({ TableName: table, Key: { pk: SWEEP_CURSOR_KEY } }),
        )
      ).Item,
    ).toBeUndefined()
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
