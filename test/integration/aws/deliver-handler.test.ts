import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import type {
  ChangeMessageVisibilityBatchRequestEntry,
  MessageAttributeValue,
  SendMessageCommandInput,
} from '@aws-sdk/client-sqs'
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { SANDBOX_CREDENTIALS } from '../../../local/halo-sandbox/halo-sandbox.js'
import {
  type RunningHaloSandbox,
  startHaloSandbox,
} from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { AWS_ENV, PARKED_ATTRIBUTE } from '../../../shared/aws-env.js'
import type { AlertEnvelope, Envelope } from '../../../shared/envelope.js'
import { messageGroupId } from '../../../shared/queue/event-queue.js'
import { type AwsStandIn, standInEnv, startAwsStandIn } from '../../support/aws/aws-stand-in.js'
import { bundleHandler, ROOT, removeBundles } from '../../support/aws/bundle-handler.js'
import { envelopeFor } from '../../support/aws/envelopes.js'
import { lambdaContext, sqsEvent, sqsFifoRecord } from '../../support/aws/lambda-events.js'
import { type DynamoDbLocal, startDynamoDbLocal } from '../../support/dynamodb-local.js'
import { setEnv } from '../../support/scoped-env.js'

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>
let handler: Handler
let local: DynamoDbLocal
let halo: RunningHaloSandbox
const table = `state-${randomUUID()}`

// The bundle's own (bundled) SDK clients talk to DynamoDB Local and to a local stand-in of SQS
// and Secrets Manager.
let aws: AwsStandIn
let QUEUE_URL: string
let DLQ_URL: string

let restoreEnv: () => void = () => {}

beforeAll(async () => {
  ;[local, halo, aws] = await Promise.all([
    startDynamoDbLocal(),
    startHaloSandbox(),
    startAwsStandIn(),
  ])
  await local.createStateTable(table)
  QUEUE_URL = aws.queueUrl('halo-hooks-queue.fifo')
  DLQ_URL = aws.queueUrl('halo-hooks-dlq.fifo')
  restoreEnv = setEnv({
    ...standInEnv(aws),
    [AWS_ENV.queueUrl]: QUEUE_URL,
    [AWS_ENV.deadLetterQueueUrl]: DLQ_URL,
    [AWS_ENV.haloSecretId]: 'halo-hooks/secrets',
    [AWS_ENV.tableName]: table,
    [AWS_ENV.haloBaseUrl]: halo.url,
    [AWS_ENV.maxReceiveCount]: '20',
    [AWS_ENV.queueRetentionSeconds]: String(14 * 86_400),
    AWS_ENDPOINT_URL_DYNAMODB: local.endpoint,
    POWERTOOLS_LOG_LEVEL: 'INFO',
  })
  const url = await bundleHandler(
    'deliver',
    'deliver',
    join(ROOT, 'test/support/aws/handler-config.ts'),
  )
  handler = (await import(url)).handler
}, 60_000)

afterAll(async () => {
  restoreEnv()
  await Promise.all([local?.stop(), halo?.close(), aws?.close()])
  removeBundles('deliver')
})

beforeEach(() => {
  aws.reset()
  aws.on('GetSecretValue', {
    output: { SecretString: JSON.stringify({ halo: SANDBOX_CREDENTIALS, routes: {} }) },
  })
  halo.sandbox.reset()
  stdout.length = 0
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout.push(String(chunk))
    return true
  })
})

afterEach(() => {
  vi.restoreAllMocks()
})

const stdout: string[] = []
const printed = () =>
  stdout
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
/** Every value of one EMF metric the handler printed in this test. */
const values = (metric: string) =>
  printed()
    .filter((entry) => '_aws' in entry)
    // EMF writes a metric added several times in one flush as an array of values.
    .flatMap((entry) => [entry[metric] ?? []].flat())
    .map(Number)
/** The sum of one EMF metric over everything the handler printed in this test. */
const emf = (metric: string) => values(metric).reduce((sum, value) => sum + value, 0)
/** How many audit lines said `envelope <outcome>`. */
const audits = (outcome: string) =>
  printed().filter((entry) => entry.message === `envelope ${outcome}`).length

const envelope = (key: string, title = `Problem ${key}`): AlertEnvelope => {
  const base = envelopeFor({ route: 'alerts' })
  return { ...base, id: randomUUID(), alert: { ...base.alert, key, title } }
}
const recordOf = (value: Envelope | string, receiveCount = 1) => {
  const body = typeof value === 'string' ? value : JSON.stringify(value)
  const parsed = typeof value === 'string' ? undefined : value
  return sqsFifoRecord({
    body,
    groupId: parsed ? messageGroupId(parsed) : 'broken',
    deduplicationId: parsed?.id ?? randomUUID(),
    receiveCount,
  })
}
/** What the handler sent to SQS: parked messages (SendMessage) and visibility changes. */
const parkedMessages = () =>
  aws.calls<
    SendMessageCommandInput & { MessageAttributes?: Record<string, MessageAttributeValue> }
  >('SendMessage')
const visibilityChanges = () =>
  aws
    .calls<{ Entries?: ChangeMessageVisibilityBatchRequestEntry[] }>('ChangeMessageVisibilityBatch')
    .flatMap((input) => input.Entries ?? [])
const ticketTitles = () =>
  halo.sandbox.tickets().map((ticket) => (ticket as Record<string, unknown>).summary)

describe('bundled deliver handler (SQS FIFO batches)', () => {
  it('delivers every record and draws every Halo request from the shared DynamoDB budget', async () => {
    const grants = async () => {
      const budget = await local.documents.send(
        new GetCommand({ TableName: table, Key: { pk: 'budget#halo' } }),
      )
      // The window's grants, stored as offsets from the oldest.
      return (budget.Item?.grantOffsets as unknown[] | undefined)?.length ?? 0
    }
    const before = await grants()
    const records = [recordOf(envelope('a')), recordOf(envelope('b'))]

    const response = await handler(sqsEvent(records), lambdaContext('deliver'))

    expect(response).toEqual({ batchItemFailures: [] })
    expect(ticketTitles().sort()).toEqual(['Problem a', 'Problem b'])
    const seenByHalo = halo.sandbox.requests().length
    expect(seenByHalo).toBeGreaterThanOrEqual(3) // a token, then two tickets
    // Each request drew a slot; a lease may hold up to four more, counted until given back.
    expect((await grants()) - before).toBeGreaterThanOrEqual(seenByHalo)
    expect((await grants()) - before).toBeLessThanOrEqual(seenByHalo + 4)
    expect(audits('delivered')).toBe(2)
    // One value per Halo request, 1 for each 429 (none here).
    expect(values('HaloRequests')).toEqual(Array.from({ length: seenByHalo }, () => 0))
  })

  it('parks a permanent failure in the DLQ with its reason and carries on with the group', async () => {
    const orphan = { ...envelope('c'), route: 'removed-route' }
    const next = { ...envelope('c'), route: 'alerts' }
    const records = [
      recordOf(orphan),
      sqsFifoRecord({ ...groupOf(orphan), body: JSON.stringify(next), deduplicationId: next.id }),
    ]

    const response = await handler(sqsEvent(records), lambdaContext('deliver'))

    expect(response).toEqual({ batchItemFailures: [] })
    const [parked, ...more] = parkedMessages()
    expect(more).toEqual([])
    expect(parked?.QueueUrl).toBe(DLQ_URL)
    expect(parked?.MessageBody).toBe(records[0]?.body)
    expect(parked?.MessageGroupId).toBe(records[0]?.attributes.MessageGroupId)
    expect(parked?.MessageAttributes?.[PARKED_ATTRIBUTE.code]?.StringValue).toBe('route_unknown')
    expect(parked?.MessageAttributes?.[PARKED_ATTRIBUTE.reason]?.StringValue).toMatch(
      /^route_unknown: route "removed-route"/,
    )
    expect(ticketTitles()).toEqual(['Problem c'])
    expect(emf('EnvelopesParked')).toBe(1)
    expect(audits('delivered')).toBe(1)
  })

  it('records each envelope’s latest outcome in the state table: one hist# item per envelope, with a TTL', async () => {
    const delivered = envelope('h1')
    const orphan = { ...envelope('h2'), route: 'removed-route' }
    const late = envelope('h3')
    const item = async (id: string) =>
      (await local.documents.send(new GetCommand({ TableName: table, Key: { pk: `hist#${id}` } })))
        .Item

    await handler(sqsEvent([recordOf(delivered), recordOf(orphan)]), lambdaContext('deliver'))
    halo.sandbox.setFaults({ errorRate: 1, errorStatuses: [503] })
    await handler(sqsEvent([recordOf(late)]), lambdaContext('deliver'))

    const [ticket] = halo.sandbox.tickets() as { id: number }[]
    expect(await item(delivered.id)).toMatchObject({
      envelopeId: delivered.id,
      route: 'alerts',
      key: 'h1',
      outcome: 'delivered',
      action: 'create',
      // Not `ticketId`: that attribute would put the item in the TicketIds index.
      ticket: ticket?.id,
      receiveCount: 1,
    })
    expect(await item(orphan.id)).toMatchObject({
      outcome: 'parked',
      route: 'removed-route',
      code: 'route_unknown',
      reason: expect.stringMatching(/^route_unknown: route "removed-route"/),
    })
    const deferred = await item(late.id)
    expect(deferred).toMatchObject({ outcome: 'deferred', code: 'halo_request_failed' })
    expect(Date.parse(String(deferred?.nextAttemptAt))).toBeGreaterThan(
      Date.parse(String(deferred?.at)),
    )
    const fourteenDays = Math.floor(Date.parse(String(deferred?.at)) / 1000) + 14 * 86_400
    expect(deferred?.expiresAt).toBe(fourteenDays)

    // The next outcome of the same envelope replaces its item. Halo's 503 may have come after a
    // write, so this attempt finished the stored write first: the envelope counts as applied.
    halo.sandbox.clearFaults()
    await handler(sqsEvent([recordOf(late, 2)]), lambdaContext('deliver'))
    const [lateTicket] = halo.sandbox.tickets() as { id: number }[] // newest first
    expect(await item(late.id)).toMatchObject({
      outcome: 'deduplicated',
      ticket: lateTicket?.id,
      receiveCount: 2,
    })
    expect(await item(late.id)).not.toHaveProperty('nextAttemptAt')
  })

  it('retries (reports failed) a message it could not park, holding its group behind it', async () => {
    aws.on('SendMessage', { error: 'InvalidAddress', message: 'DLQ unavailable' })
    const orphan = { ...envelope('k'), route: 'removed-route' }
    const next = envelope('k')
    const records = [
      recordOf(orphan),
      sqsFifoRecord({
        ...groupOf(orphan),
        body: JSON.stringify(next),
        deduplicationId: next.id,
      }),
    ]

    const response = await handler(sqsEvent(records), lambdaContext('deliver'))

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      records.map((record) => record.messageId),
    )
    expect(ticketTitles()).toEqual([])
  })

  it('parks a message that is not an envelope at all', async () => {
    const response = await handler(sqsEvent([recordOf('{not json')]), lambdaContext('deliver'))

    expect(response).toEqual({ batchItemFailures: [] })
    const [parked] = parkedMessages()
    expect(parked?.MessageAttributes?.[PARKED_ATTRIBUTE.code]?.StringValue).toBe('body_invalid')
  })

  it('defers retryable failures by changing visibility and holds the rest of the group behind them', async () => {
    const first = envelope('d', 'first of d')
    const second = envelope('d', 'second of d')
    const other = envelope('e', 'only of e')
    const records = [
      recordOf(first, 3),
      sqsFifoRecord({
        groupId: 'alerts:d',
        body: JSON.stringify(second),
        deduplicationId: second.id,
      }),
      recordOf(other, 1),
    ]
    halo.sandbox.setFaults({ errorRate: 1, errorStatuses: [503] })

    const response = await handler(sqsEvent(records), lambdaContext('deliver'))

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      records.map((record) => record.messageId),
    )
    const changes = aws.calls('ChangeMessageVisibilityBatch')
    expect(changes.every((change) => change.QueueUrl === QUEUE_URL)).toBe(true)
    const entries = visibilityChanges()
    const delayOf = (index: number) =>
      entries.find((entry) => entry.ReceiptHandle === records[index]?.receiptHandle)
        ?.VisibilityTimeout
    expect(entries).toHaveLength(3)
    // The delay is the failure policy's (here the Halo client's own back-off hint).
    expect(delayOf(0)).toBeGreaterThanOrEqual(1)
    // The second of group d waits exactly as long as the first, so it cannot overtake it.
    expect(delayOf(1)).toBe(delayOf(0))
    expect(delayOf(2)).toBeGreaterThanOrEqual(1)
    expect(parkedMessages()).toEqual([])
    expect(ticketTitles()).toEqual([])
    expect(emf('EnvelopesDeferred')).toBe(3)
  })

  it('hands records back untouched when too little time is left to start them', async () => {
    const records = [recordOf(envelope('g')), recordOf(envelope('h'))]

    const response = await handler(sqsEvent(records), lambdaContext('deliver', 5_000))

    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
      records.map((record) => record.messageId),
    )
    const entries = visibilityChanges()
    expect(entries.map((entry) => entry.VisibilityTimeout)).toEqual([0, 0])
    expect(halo.sandbox.requests()).toEqual([])
  })

  it('parks a message on its last receive with the last failure, before SQS would move it', async () => {
    const last = envelope('x', 'last chance')
    const behind = envelope('x', 'behind it')
    const records = [recordOf(last, 20), recordOf(behind, 3)]
    halo.sandbox.setFaults({ errorRate: 1, errorStatuses: [503] })

    const response = await handler(sqsEvent(records), lambdaContext('deliver'))

    // The first is parked with why; the one behind it waits (its own receives are not used up).
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([
      records[1]?.messageId,
    ])
    const [parked] = parkedMessages()
    const attributes = parked?.MessageAttributes
    expect(attributes?.[PARKED_ATTRIBUTE.code]?.StringValue).toBe('retries_exhausted')
    expect(attributes?.[PARKED_ATTRIBUTE.reason]?.StringValue).toMatch(
      /^retries_exhausted after 20 receives; last failure halo_request_failed: POST \/\S+ -> 503/,
    )
    expect(emf('EnvelopesParked')).toBe(1)
  })

  it('parks a message about to outlive the queue, before SQS would drop it', async () => {
    const old = envelope('w', 'nearly 14 days old')
    const record = sqsFifoRecord({
      body: JSON.stringify(old),
      groupId: 'alerts:w',
      deduplicationId: old.id,
      sentAt: Date.now() - 14 * 86_400_000 + 30 * 60_000,
    })
    halo.sandbox.setFaults({ errorRate: 1, errorStatuses: [503] })

    const response = await handler(sqsEvent([record]), lambdaContext('deliver'))

    expect(response).toEqual({ batchItemFailures: [] })
    const [parked] = parkedMessages()
    expect(parked?.MessageAttributes?.[PARKED_ATTRIBUTE.code]?.StringValue).toBe(
      'retries_exhausted',
    )
  })

  it('defers, instead of waiting in the invocation, when the shared budget is used up', async () => {
    // One delivery first, so the worker holds Halo's token however this test is run (alone, or
    // after the others): each record's own request then meets the full budget.
    const warmUp = await handler(sqsEvent([recordOf(envelope('x'))]), lambdaContext('deliver'))
    expect(warmUp).toEqual({ batchItemFailures: [] })
    halo.sandbox.reset()
    const now = Date.now()
    // Every worker's budget is one DynamoDB item: fill its window (250 per 300 s by default).
    await local.documents.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: 'budget#halo',
          grants: Array.from({ length: 250 }, () => now),
          limit: 250,
          blockedUntil: 0,
          changedAt: now,
          lineUntil: 0,
          version: 1_000,
        },
      }),
    )
    try {
      const records = [recordOf(envelope('y')), recordOf(envelope('z'))]

      const response = await handler(sqsEvent(records), lambdaContext('deliver'))

      expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(
        records.map((record) => record.messageId),
      )
      expect(halo.sandbox.requests()).toEqual([])
      const entries = visibilityChanges()
      // Each comes back when a slot frees (the grants' time + 300 s + 1 s settle), one spacing
      // (1.2 s) after the one before it. Their timeouts are whole seconds, each counted from the
      // moment its own deferral was decided, so the spacing is read from the line the two left
      // in the shared budget: the first took the slot, the second the next place.
      const delays = records.map(
        (record) =>
          entries.find((entry) => entry.ReceiptHandle === record.receiptHandle)?.VisibilityTimeout,
      )
      // Counted from the grants' time: less whatever the invocation took on a loaded machine.
      const elapsedSeconds = Math.ceil((Date.now() - now) / 1000)
      for (const delay of delays) {
        expect(delay).toBeGreaterThanOrEqual(299 - elapsedSeconds)
        expect(delay).toBeLessThanOrEqual(305)
      }
      const budget = await local.documents.send(
        new GetCommand({ TableName: table, Key: { pk: 'budget#halo' } }),
      )
      expect(budget.Item?.lineUntil).toBe(now + 301_000 + 2 * 1_200)
    } finally {
      await local.documents.send(
        new DeleteCommand({ TableName: table, Key: { pk: 'budget#halo' } }),
      )
    }
  })

  it('delivers a group in order once Halo is back: a ticket, then a note on it', async () => {
    const first = envelope('f', 'first of f')
    const second = envelope('f', 'second of f')
    const records = [first, second].map((value) => recordOf(value, 2))

    const response = await handler(sqsEvent(records), lambdaContext('deliver'))

    expect(response).toEqual({ batchItemFailures: [] })
    const tickets = halo.sandbox.tickets() as unknown as {
      summary: string
      actions: { note?: string }[]
    }[]
    expect(tickets.map((ticket) => ticket.summary)).toEqual(['first of f'])
    expect(tickets[0]?.actions.map((action) => action.note)).toEqual([
      expect.stringContaining('second of f'),
    ])
  })

  it('applies a technician close from Halo to the DynamoDB state through the ticket index, with no Halo request', async () => {
    const firing = envelope(`tech-${randomUUID()}`)
    await handler(sqsEvent([recordOf(firing)]), lambdaContext('deliver'))
    const [ticket] = halo.sandbox.tickets() as unknown as { id: number }[]
    const requestsBefore = halo.sandbox.requests().length
    const closed: Envelope = {
      v: 2,
      id: randomUUID(),
      route: 'halo',
      source: 'halo',
      type: 'halo.ticket_closed',
      receivedAt: new Date().toISOString(),
      ticketEvent: {
        ticketId: ticket?.id as number,
        event: 'ticket closed',
        implies: 'closed',
        occurredAt: new Date().toISOString(),
      },
    }

    const response = await handler(sqsEvent([recordOf(closed)]), lambdaContext('deliver'))

    expect(response).toEqual({ batchItemFailures: [] })
    expect(halo.sandbox.requests().length).toBe(requestsBefore)
    const stored = await local.documents.send(
      new GetCommand({ TableName: table, Key: { pk: `corr#alerts#${firing.alert.key}` } }),
    )
    expect(stored.Item).toMatchObject({ state: 'closed', ticketId: ticket?.id })
    // One item per record: the ticket index is a GSI on the record's own ticketId.
    const index = await local.documents.send(
      new GetCommand({ TableName: table, Key: { pk: `tix#${ticket?.id}` } }),
    )
    expect(index.Item).toBeUndefined()
  })
})

function groupOf(value: Envelope) {
  return { groupId: messageGroupId(value) }
}
