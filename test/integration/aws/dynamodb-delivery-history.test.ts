import { randomUUID } from 'node:crypto'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runDeliveries } from '../../../local/deliveries.js'
import type { DeliveryRecord } from '../../../shared/delivery/delivery-history.js'
import {
  createDynamoDbDeliveryHistory,
  historyKey,
} from '../../../shared/delivery/dynamodb-delivery-history.js'
import { StateStoreError } from '../../../shared/errors.js'
import {
  createDynamoDbCorrelationStore,
  TICKET_INDEX,
} from '../../../shared/lifecycle/dynamodb-correlation-store.js'
import { type DynamoDbLocal, startDynamoDbLocal } from '../../support/dynamodb-local.js'

let local: DynamoDbLocal

beforeAll(async () => {
  local = await startDynamoDbLocal()
}, 60_000)

afterAll(async () => {
  await local?.stop()
})

const NOW = new Date('2026-11-28T12:00:00Z')

const record = (overrides: Partial<DeliveryRecord> = {}): DeliveryRecord => ({
  envelopeId: randomUUID(),
  route: 'alerts',
  key: 'disk-db01',
  outcome: 'delivered',
  at: '2026-11-28T11:00:00.000Z',
  receiveCount: 1,
  ...overrides,
})

/** A new state table, shaped like the stack's, and the history on it. */
const freshTable = async (name = `state-${randomUUID()}`, scanPageSize?: number) => {
  await local.createStateTable(name)
  const history = createDynamoDbDeliveryHistory({
    client: local.documents,
    tableName: name,
    now: () => NOW,
    ...(scanPageSize ? { scanPageSize } : {}),
  })
  return { name, history }
}

describe('createDynamoDbDeliveryHistory (DynamoDB Local)', () => {
  it('keeps one item per envelope, hist#<envelopeId>, replaced by its next outcome, with a 14-day TTL (35 days for a write’s receipt)', async () => {
    const { name, history } = await freshTable()
    const deferred = record({
      outcome: 'deferred',
      code: 'halo_request_failed',
      reason: 'POST /Tickets -> 503',
      nextAttemptAt: '2026-11-28T11:00:02.000Z',
    })
    await history.record(deferred)
    const delivered = record({
      envelopeId: deferred.envelopeId,
      outcome: 'delivered',
      action: 'create',
      ticketId: 1001,
      at: '2026-11-28T11:00:03.000Z',
      receiveCount: 2,
    })
    await history.record(delivered)

    const { Items = [] } = await local.documents.send(new ScanCommand({ TableName: name }))
    const { ticketId, ...fields } = delivered
    expect(Items).toEqual([
      {
        ...fields,
        ticket: ticketId,
        pk: historyKey(deferred.envelopeId),
        expiresAt: Date.parse(delivered.at) / 1000 + 35 * 86_400,
      },
    ])
    expect(await history.list()).toEqual([delivered])
    expect(await history.get(deferred.envelopeId)).toEqual(delivered)
  })

  it('keeps an outcome’s ticket out of the TicketIds index, so a delivery costs one write unit', async () => {
    const { name, history } = await freshTable()
    const delivered = record({ action: 'create', ticketId: 4242 })
    const put = await local.documents.send(
      new PutCommand({
        TableName: name,
        Item: { pk: 'probe', ticketId: 1 },
        ReturnConsumedCapacity: 'INDEXES',
      }),
    )
    // The probe shows the index is there and charged for an item that carries `ticketId`.
    expect(put.ConsumedCapacity?.GlobalSecondaryIndexes?.[TICKET_INDEX.name]?.CapacityUnits).toBe(1)
    await history.record(delivered)

    const { Items = [] } = await local.documents.send(
      new QueryCommand({
        TableName: name,
        IndexName: TICKET_INDEX.name,
        KeyConditionExpression: '#ticket = :ticket',
        ExpressionAttributeNames: { '#ticket': TICKET_INDEX.partitionKey },
        ExpressionAttributeValues: { ':ticket': 4242 },
      }),
    )
    expect(Items).toEqual([])
    expect(await history.get(delivered.envelopeId)).toEqual(delivered)
  })

  it('reads items written with the ticket id under `ticketId`, as before', async () => {
    const { name, history } = await freshTable()
    const delivered = record({ action: 'note', ticketId: 77 })
    await local.documents.send(
      new PutCommand({
        TableName: name,
        Item: { ...delivered, pk: historyKey(delivered.envelopeId), expiresAt: 4_000_000_000 },
      }),
    )
    expect(await history.get(delivered.envelopeId)).toEqual(delivered)
    expect(await history.list()).toEqual([delivered])
  })

  it('lists newest first, filtered by route and outcome, at most `limit`', async () => {
    const { history } = await freshTable()
    const at = (minute: number) => `2026-11-28T11:${String(minute).padStart(2, '0')}:00.000Z`
    const a = record({ route: 'alerts', outcome: 'delivered', at: at(1) })
    const b = record({ route: 'other', outcome: 'delivered', at: at(2) })
    const c = record({ route: 'alerts', outcome: 'parked', at: at(3), reason: 'unroutable: x' })
    const d = record({ route: 'alerts', outcome: 'delivered', at: at(4) })
    for (const entry of [c, a, d, b]) await history.record(entry)

    expect(await history.list()).toEqual([d, c, b, a])
    expect(await history.list({ route: 'alerts' })).toEqual([d, c, a])
    expect(await history.list({ outcome: 'delivered' })).toEqual([d, b, a])
    expect(await history.list({ route: 'alerts', outcome: 'delivered', limit: 1 })).toEqual([d])
    expect(await history.list({ route: 'nowhere' })).toEqual([])
  })

  it('reads every page of the scan', async () => {
    const { history } = await freshTable(undefined, 2)
    const entries = Array.from({ length: 7 }, (_, index) =>
      record({ at: `2026-11-28T11:00:0${index}.000Z` }),
    )
    for (const entry of entries) await history.record(entry)

    expect(await history.list()).toEqual(entries.reverse())
  })

  it('leaves out the table’s other items and expired history TTL has not deleted yet', async () => {
    const { name, history } = await freshTable()
    await createDynamoDbCorrelationStore({ client: local.documents, tableName: name }).put(
      {
        route: 'alerts',
        key: 'disk-db01',
        state: 'open',
        occurrences: 1,
        firstSeen: '2026-11-28T11:00:00.000Z',
        lastSeen: '2026-11-28T11:00:00.000Z',
        applied: ['e'],
        version: 0,
      },
      undefined,
    )
    const recent = record()
    await history.record(recent)
    // 18 days before NOW: past the 14 days of an outcome that is no receipt of a Halo write.
    await history.record(record({ outcome: 'recorded', at: '2026-11-10T11:00:00.000Z' }))

    expect(await history.list()).toEqual([recent])
  })

  it('clips a long reason so that an item stays one write unit', async () => {
    const { name, history } = await freshTable()
    const parked = record({
      outcome: 'parked',
      reason: `halo_request_failed: ${'x'.repeat(50_000)}`,
    })
    await history.record(parked)

    const { Item } = await local.documents.send(
      new GetCommand({ TableName: name, Key: { pk: historyKey(parked.envelopeId) } }),
    )
    expect(String(Item?.reason).startsWith('halo_request_failed: xxx')).toBe(true)
    expect(String(Item?.reason)).toMatch(/more characters left out\]$/)
    expect(JSON.stringify(Item).length).toBeLessThan(1_024)
  })

  it('translates a DynamoDB failure into a StateStoreError', async () => {
    const history = createDynamoDbDeliveryHistory({
      client: local.documents,
      tableName: 'no-such-table',
    })
    await expect(history.record(record())).rejects.toBeInstanceOf(StateStoreError)
    await expect(history.list()).rejects.toBeInstanceOf(StateStoreError)
  })
})

describe('npm run deliveries', () => {
  const dynamodb = () =>
    new DynamoDBClient({
      endpoint: local.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    })

  const run = async (argv: string[], defaultHaloUrl?: string) => {
    const lines: string[] = []
    const code = await runDeliveries(argv, {
      dynamodb: dynamodb(),
      out: (line) => lines.push(line),
      defaultHaloUrl: async () => defaultHaloUrl,
    })
    return { code, text: lines.join('\n') }
  }

  it('finds the stack’s table and prints the history as the local /deliveries.json does', async () => {
    const stack = `Stack${randomUUID().slice(0, 8)}`
    const { history } = await freshTable(`${stack}-StateTable4D5D1A2B-1XYZ`)
    const delivered = record({
      at: new Date().toISOString(),
      ticketId: 1001,
      action: 'create',
      route: 'alerts',
    })
    const parked = record({
      at: new Date(Date.now() - 1_000).toISOString(),
      outcome: 'parked',
      code: 'unroutable',
      reason: 'unroutable: no Halo client for this alert',
      route: 'other',
    })
    await history.record(delivered)
    await history.record(parked)

    const all = await run(['--stack', stack], 'https://acme.halopsa.com')
    expect(all.code).toBe(0)
    expect(JSON.parse(all.text)).toEqual({
      deliveries: [{ ...delivered, ticketUrl: 'https://acme.halopsa.com/ticket?id=1001' }, parked],
    })

    const onlyParked = await run(['--stack', stack, '--outcome', 'parked', '--route', 'other'])
    expect(JSON.parse(onlyParked.text)).toEqual({ deliveries: [parked] })
    const limited = await run(['--stack', stack, '--limit', '1', '--halo-url', 'https://h.example'])
    expect(JSON.parse(limited.text)).toEqual({
      deliveries: [{ ...delivered, ticketUrl: 'https://h.example/ticket?id=1001' }],
    })
  })

  it('reads a table named with --table, and asks for it when the stack’s cannot be told apart', async () => {
    const stack = `Stack${randomUUID().slice(0, 8)}`
    const { name, history } = await freshTable(`${stack}-StateTableA-1`)
    await freshTable(`${stack}-StateTableB-2`)
    const entry = record({ at: new Date().toISOString() })
    await history.record(entry)

    await expect(run(['--stack', stack])).rejects.toThrow(
      `expected one table named ${stack}-StateTable*, found 2: pass --table`,
    )
    expect(JSON.parse((await run(['--table', name])).text)).toEqual({ deliveries: [entry] })
  })

  it('refuses an unknown outcome, naming the option', async () => {
    await expect(run(['--table', 'any', '--outcome', 'lost'])).rejects.toThrow(/^--outcome: /)
  })
})
