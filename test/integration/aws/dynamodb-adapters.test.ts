import { randomUUID } from 'node:crypto'
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StateStoreError } from '../../../shared/errors.js'
import { createDynamoDbRateBudget } from '../../../shared/halo/dynamodb-rate-budget.js'
import type { CorrelationRecord } from '../../../shared/lifecycle/correlation-store.js'
import {
  correlationKey,
  createDynamoDbCorrelationStore,
} from '../../../shared/lifecycle/dynamodb-correlation-store.js'
import {
  correlationRecord,
  correlationStoreContract,
} from '../../support/contracts/correlation-store-contract.js'
import { rateBudgetContract } from '../../support/contracts/rate-budget-contract.js'
import { type DynamoDbLocal, startDynamoDbLocal } from '../../support/dynamodb-local.js'

let local: DynamoDbLocal
let table: string

beforeAll(async () => {
  local = await startDynamoDbLocal()
  table = `state-${randomUUID()}`
  await local.createStateTable(table)
}, 60_000)

afterAll(async () => {
  await local?.stop()
})

describe('createDynamoDbCorrelationStore (DynamoDB Local)', () => {
  const store = () => createDynamoDbCorrelationStore({ client: local.documents, tableName: table })

  correlationStoreContract(store)

  it('stores a TTL: long for open tickets, short once closed', async () => {
    const open = correlationRecord({ lastSeen: '2026-01-01T00:00:00.000Z' })
    const closed = correlationRecord({ state: 'closed', lastSeen: '2026-01-01T00:00:00.000Z' })
    await store().put(open, undefined)
    await store().put(closed, undefined)
    const raw = async (r: CorrelationRecord) =>
      (
        await local.documents.send(
          new GetCommand({ TableName: table, Key: { pk: correlationKey(r.route, r.key) } }),
        )
      ).Item?.expiresAt
    const base = Date.parse('2026-01-01T00:00:00.000Z') / 1000

    expect(await raw(open)).toBe(base + 400 * 86_400)
    expect(await raw(closed)).toBe(base + 35 * 86_400)
  })

  it('writes a record with a ticket as one conditional put (the ticket index is a GSI on it)', async () => {
    const sent: string[] = []
    const counting = {
      send: (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name)
        return local.documents.send(command as never)
      },
    } as unknown as typeof local.documents
    const counted = createDynamoDbCorrelationStore({ client: counting, tableName: table })
    const record = correlationRecord({ ticketId: 900_000_000 + Math.floor(Math.random() * 1e8) })

    await counted.put(record, undefined)
    await counted.put({ ...record, state: 'closed', version: 1 }, 1)

    expect(sent).toEqual(['PutCommand', 'PutCommand'])
    expect(await counted.findByTicket(record.ticketId as number)).toMatchObject({
      key: record.key,
      state: 'closed',
    })
  })

  it('translates a DynamoDB failure into a retryable StateStoreError', async () => {
    const broken = createDynamoDbCorrelationStore({ client: local.documents, tableName: 'missing' })

    await expect(broken.get('alerts', 'k')).rejects.toSatisfy(
      (error) => error instanceof StateStoreError && error.retryable,
    )
  })
})

describe('createDynamoDbRateBudget (DynamoDB Local)', () => {
  const budget = (limit: number, windowMs: number, name = randomUUID()) =>
    createDynamoDbRateBudget({ client: local.documents, tableName: table, name, limit, windowMs })

  rateBudgetContract((limits) => {
    const name = randomUUID()
    return () => budget(limits.limit, limits.windowMs, name)
  })

  it('answers a conflicting write from another worker by reading again', async () => {
    const name = randomUUID()
    const racing = Array.from({ length: 6 }, () => budget(50, 60_000, name))
    const answers = await Promise.all(racing.map((b) => b.take(1, 'write')))
    expect(answers.every((answer) => answer.granted)).toBe(true)
    expect(await racing[0]?.take(2, 'write')).toMatchObject({ granted: true })
  })

  it('is one budget for every worker: concurrent instances never exceed the limit', async () => {
    const name = randomUUID()
    // Eight "workers" (separate adapter instances, separate SDK clients) draw at once.
    const workers = Array.from({ length: 8 }, () =>
      createDynamoDbRateBudget({
        client: DynamoDBDocumentClient.from(local.client),
        tableName: table,
        name,
        limit: 10,
        windowMs: 60_000,
        maxAttempts: 50,
      }),
    )

    const decisions = await Promise.all(
      Array.from({ length: 24 }, (_, index) => workers[index % 8]?.take(5_000, 'write')),
    )

    expect(decisions.filter((decision) => decision?.granted)).toHaveLength(10)
    expect(await workers[0]?.take(5_001, 'write')).toMatchObject({ granted: false })
  })
})
