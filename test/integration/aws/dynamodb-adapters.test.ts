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

const record = (overrides: Partial<CorrelationRecord> = {}): CorrelationRecord => ({
  route: 'alerts',
  key: `disk-full ${randomUUID()}`,
  state: 'open',
  occurrences: 1,
  firstSeen: '2026-01-01T00:00:00.000Z',
  lastSeen: '2026-01-01T00:00:00.000Z',
  applied: ['env-1'],
  version: 0,
  ...overrides,
})

describe('createDynamoDbCorrelationStore (DynamoDB Local)', () => {
  const store = () => createDynamoDbCorrelationStore({ client: local.documents, tableName: table })

  it('returns undefined for a key never written', async () => {
    expect(await store().get('alerts', 'nothing-here')).toBeUndefined()
  })

  it('creates a record only when none exists, and reads it back with version 1', async () => {
    const first = record({ ticketId: 42 })

    expect(await store().put(first, undefined)).toBe(true)
    expect(await store().put({ ...first, ticketId: 43 }, undefined)).toBe(false)

    expect(await store().get(first.route, first.key)).toEqual({ ...first, version: 1 })
  })

  it('updates only from the version it read, so one of two racing writers loses', async () => {
    const first = record()
    await store().put(first, undefined)
    const read = await store().get(first.route, first.key)
    expect(read?.version).toBe(1)

    const results = await Promise.all([
      store().put({ ...first, occurrences: 2, ticketId: 7 }, 1),
      store().put({ ...first, occurrences: 2, ticketId: 8 }, 1),
    ])

    expect(results.filter(Boolean)).toHaveLength(1)
    const stored = await store().get(first.route, first.key)
    expect(stored?.version).toBe(2)
    expect([7, 8]).toContain(stored?.ticketId)
    expect(await store().put({ ...first, occurrences: 3 }, 1)).toBe(false)
  })

  it('keeps routes apart even when keys collide', async () => {
    const key = `shared-${randomUUID()}`
    await store().put(record({ route: 'a', key, ticketId: 1 }), undefined)
    await store().put(record({ route: 'b', key, ticketId: 2 }), undefined)

    expect((await store().get('a', key))?.ticketId).toBe(1)
    expect((await store().get('b', key))?.ticketId).toBe(2)
  })

  it('stores a TTL: long for open tickets, short once closed', async () => {
    const open = record({ lastSeen: '2026-01-01T00:00:00.000Z' })
    const closed = record({ state: 'closed', lastSeen: '2026-01-01T00:00:00.000Z' })
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

  it('grants up to the limit in a window, then says when the oldest slot frees up', async () => {
    const b = budget(3, 10_000)

    expect(await b.take(1_000, 'write')).toEqual({ granted: true, at: 1_000 })
    expect(await b.take(2_000, 'write')).toEqual({ granted: true, at: 2_000 })
    expect(await b.take(3_000, 'write')).toEqual({ granted: true, at: 3_000 })
    // The oldest slot frees when its request has left the window, plus a 500 ms settle margin.
    expect(await b.take(4_000, 'write')).toEqual({ granted: false, retryAfterMs: 7_500 })
    expect(await b.take(11_500, 'write')).toEqual({ granted: true, at: 11_500 })
  })

  it('learns from a 429 for every worker at once, and lines waiting callers up in order', async () => {
    const name = randomUUID()
    const [one, two] = [budget(10, 10_000, name), budget(10, 10_000, name)]
    for (let i = 0; i < 5; i++) await one?.take(0, 'write')
    await one?.refused(100, { grantedAt: 0, retryAfterMs: 2_000 })

    expect(await two?.take(200, 'write')).toEqual({ granted: false, retryAfterMs: 1_900 })
    expect(await two?.underPressure(200)).toBe(true)
    const first = await two?.lineUp(3_000, 'write')
    const second = await one?.lineUp(3_000, 'write')
    expect(second).toBeGreaterThan(first ?? Number.POSITIVE_INFINITY)
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

  it('keeps separate budgets apart by name', async () => {
    const a = budget(1, 60_000)
    const b = budget(1, 60_000)

    expect(await a.take(1, 'write')).toEqual({ granted: true, at: 1 })
    expect(await b.take(1, 'write')).toEqual({ granted: true, at: 1 })
    expect(await a.take(2, 'write')).toMatchObject({ granted: false })
  })

  it('refuses limits that are not positive', () => {
    expect(() => budget(0, 1_000)).toThrow(RangeError)
  })
})
