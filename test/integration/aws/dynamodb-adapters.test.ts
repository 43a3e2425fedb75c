import { randomUUID } from 'node:crypto'
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StateStoreError } from '../../../shared/errors.js'
import { createDynamoDbRateBudget } from '../../../shared/halo/dynamodb-rate-budget.js'
import type { CorrelationRecord } from '../../../shared/lifecycle/correlation-store.js'
import {
  correlationKey,
  createDynamoDbCorrelationStore,
} from '../../../shared/lifecycle/dynamodb-correlation-store.js'
import { createDynamoDbSweepCursor } from '../../../shared/reconcile/dynamodb-sweep-cursor.js'
import {
  correlationRecord,
  correlationStoreContract,
  standInDueAtOf,
} from '../../support/contracts/correlation-store-contract.js'
import { policyStateContract } from '../../support/contracts/policy-state-contract.js'
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
  const store = () =>
    createDynamoDbCorrelationStore({
      client: local.documents,
      tableName: table,
      dueAtOf: standInDueAtOf,
    })

  correlationStoreContract(store)
  policyStateContract(() =>
    createDynamoDbCorrelationStore({ client: local.documents, tableName: table }),
  )

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

    // A create intended on a resolved record: the ticket it opens needs the long TTL already,
    // since the state after the write may only be stored by the next delivery.
    const { version: _, pending: __, ...before } = correlationRecord({ state: 'resolved' })
    const creating = correlationRecord({
      state: 'resolved',
      lastSeen: '2026-01-01T00:00:00.000Z',
      pending: {
        envelopeId: 'env-2',
        command: { kind: 'createTicket', ticket: { summary: 'Disk full' } },
        next: { ...before, state: 'open', lastSeen: '2026-01-02T00:00:00.000Z' },
        at: '2026-01-02T00:00:00.000Z',
      },
    })
    await store().put(creating, undefined)
    expect(await raw(creating)).toBe(base + 86_400 + 400 * 86_400)

    // A record waiting for a deadline later than that lives from its deadline.
    const waiting = correlationRecord({
      state: 'resolved',
      lastSeen: '2026-01-01T00:00:00.000Z',
      lastNotedAt: '2026-03-01T00:00:00.000Z',
    })
    await store().put(waiting, undefined)
    expect(await raw(waiting)).toBe(Date.parse('2026-03-01T00:00:00.000Z') / 1000 + 35 * 86_400)
  })

  describe('an intent (a pending write)', () => {
    const applied = Array.from({ length: 50 }, (_, i) => `${randomUUID()}-${i}`.slice(0, 36))
    const base = correlationRecord({
      state: 'closed',
      ticketId: 7,
      closedAt: '2026-01-01T00:00:00.000Z',
      occurrences: 4,
      applied,
    })
    const { version: _, pending: __, ...state } = base
    const reopening: CorrelationRecord = {
      ...base,
      pending: {
        envelopeId: 'env-51',
        command: { kind: 'createTicket', ticket: { summary: 'Disk full again' } },
        // A reopen: a new problem (closedAt gone, ticketId gone), one more applied id (the
        // oldest dropped), a later lastSeen.
        next: (({ closedAt: _c, ticketId: _t, ...rest }) => ({
          ...rest,
          state: 'open' as const,
          occurrences: 1,
          lastSeen: '2026-01-02T00:00:00.000Z',
          applied: [...applied.slice(1), 'env-51'],
        }))(state),
        at: '2026-01-02T00:00:00.000Z',
      },
    }
    const rawItem = async (r: CorrelationRecord) =>
      (
        await local.documents.send(
          new GetCommand({ TableName: table, Key: { pk: correlationKey(r.route, r.key) } }),
        )
      ).Item

    it('reads back exactly as written: changed, added and removed fields, applied ids', async () => {
      await store().put(reopening, undefined)

      expect(await store().get(reopening.route, reopening.key)).toEqual({
        ...reopening,
        version: 1,
      })
    })

    it('stores only what the next state changes, not a second copy of the applied ids', async () => {
      await store().put(reopening, undefined)

      const item = await rawItem(reopening)
      expect(item?.pending.next).toBeUndefined()
      expect(item?.pending.changes).toEqual({
        state: 'open',
        occurrences: 1,
        lastSeen: '2026-01-02T00:00:00.000Z',
      })
      expect(JSON.stringify(item).split(applied[1] as string)).toHaveLength(2)
    })

    it('still reads an intent stored whole, as before compact intents', async () => {
      const { pending, version: _v, ...rest } = reopening
      await local.documents.send(
        new PutCommand({
          TableName: table,
          Item: { ...rest, pending, version: 3, pk: correlationKey(rest.route, rest.key) },
        }),
      )

      expect(await store().get(reopening.route, reopening.key)).toEqual({
        ...reopening,
        version: 3,
      })
    })
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

describe('createDynamoDbSweepCursor (DynamoDB Local)', () => {
  it('keeps where the last sweep stopped, and forgets it when told to start over', async () => {
    const cursor = createDynamoDbSweepCursor({ client: local.documents, tableName: table })
    const position = {
      route: 'alerts',
      key: 'disk full # on db-1',
      ticketId: 42,
      checkedAt: '2026-01-01T00:00:00.000Z',
    }

    await cursor.write(position)
    expect(await cursor.read()).toEqual(position)

    await cursor.write(undefined)
    expect(await cursor.read()).toBeUndefined()
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

describe('createDynamoDbRateBudget leases (DynamoDB Local)', () => {
  /** A budget whose DynamoDB calls are counted by command. */
  const counted = (name: string, limit = 250) => {
    const calls: Record<string, number> = {}
    const client = {
      send: (command: { constructor: { name: string } }) => {
        calls[command.constructor.name] = (calls[command.constructor.name] ?? 0) + 1
        return local.documents.send(command as never)
      },
    } as unknown as DynamoDBDocumentClient
    const budget = createDynamoDbRateBudget({
      client,
      tableName: table,
      name,
      limit,
      windowMs: 300_000,
    })
    return { budget, calls }
  }
  const itemOf = async (name: string) =>
    (
      await local.documents.send(
        new GetCommand({ TableName: table, Key: { pk: `budget#${name}` }, ConsistentRead: true }),
      )
    ).Item
  /** The window's grants as dates (stored as offsets from the oldest). */
  const grantsOf = async (name: string) => {
    const { grantOffsets, grantsFrom } = (await itemOf(name)) as {
      grantOffsets: number[]
      grantsFrom: number
    }
    return grantOffsets.map((offset) => grantsFrom + offset)
  }

  it('writes the shared item once for five requests while the window is quiet', async () => {
    const name = randomUUID()
    const { budget, calls } = counted(name)

    const answers = [0, 100, 200, 300, 400].map((at) => budget.take(at, 'write'))

    expect(await Promise.all(answers)).toEqual(
      [0, 100, 200, 300, 400].map((at) => ({ granted: true, at })),
    )
    expect(calls).toEqual({ GetCommand: 1, PutCommand: 1 })
    // The first slot dated when it was taken, the four leased ones at the lease's end.
    expect(await grantsOf(name)).toEqual([0, 10_000, 10_000, 10_000, 10_000])
  })

  it('leases what the invocation expects in one write, and only until it ends', async () => {
    const name = randomUUID()
    const { budget, calls } = counted(name)
    budget.expect(20)

    const times = Array.from({ length: 20 }, (_, index) => index * 100)
    const answers = []
    for (const at of times) answers.push(await budget.take(at, 'write'))

    expect(answers).toEqual(times.map((at) => ({ granted: true, at })))
    expect(calls).toEqual({ GetCommand: 1, PutCommand: 1 })
    expect(await grantsOf(name)).toEqual([0, ...Array.from({ length: 19 }, () => 10_000)])

    // The next invocation expects nothing: back to five slots per write (a read, as the
    // invocation starts afresh, then a write for the first and one for the sixth).
    budget.endLease()
    for (const at of [3_000, 3_100, 3_200, 3_300, 3_400, 3_500]) await budget.take(at, 'write')
    expect(calls).toEqual({ GetCommand: 2, PutCommand: 3 })
  })

  it('leases no more on an expectation than a tenth of the free slots', async () => {
    const name = randomUUID()
    const { budget } = counted(name, 60)
    budget.expect(20)

    await budget.take(0, 'write')

    // 60 per window, of which notes may use a share: a tenth of what is free is a few slots.
    const grants = await grantsOf(name)
    expect(grants.length).toBeGreaterThan(1)
    expect(grants.length).toBeLessThan(8)
  })

  it('serves reads and notes from a lease taken for a write, while the window is quiet', async () => {
    const name = randomUUID()
    const { budget, calls } = counted(name)

    await budget.take(0, 'write')
    const answers = [await budget.take(100, 'read'), await budget.take(200, 'note')]

    expect(answers).toEqual([
      { granted: true, at: 100 },
      { granted: true, at: 200 },
    ])
    expect(calls).toEqual({ GetCommand: 1, PutCommand: 1 })
  })

  it('gives back the slots it did not use with its next write', async () => {
    const name = randomUUID()
    const { budget } = counted(name)
    await budget.take(0, 'write')
    await budget.take(100, 'write')

    // The lease ended with three slots unused: they go back as the next lease is taken.
    await budget.take(20_000, 'write')

    expect(await grantsOf(name)).toEqual([0, 10_000, 20_000, 30_000, 30_000, 30_000, 30_000])
  })

  it('uses no leased slot once the invocation ended, and gives them back with its next write', async () => {
    const name = randomUUID()
    const { budget, calls } = counted(name)
    await budget.take(0, 'write')
    budget.endLease()

    await budget.take(100, 'write')

    expect(calls).toEqual({ GetCommand: 2, PutCommand: 2 })
    expect(await grantsOf(name)).toEqual([0, 100, 10_100, 10_100, 10_100, 10_100])
  })

  it('gives its lease back on a 429, so every worker waits as Halo asked', async () => {
    const name = randomUUID()
    const one = counted(name).budget
    const two = counted(name).budget
    await one.take(0, 'write')
    const leased = await one.take(50, 'write')

    await one.refused(100, { grantedAt: leased.granted ? leased.at : 0, retryAfterMs: 5_000 })

    // The refused slot and the unused ones went back; the first request's slot stays.
    expect(await grantsOf(name)).toEqual([0])
    expect(await two.take(200, 'write')).toEqual({ granted: false, retryAfterMs: 4_900 })
    expect(await one.take(200, 'write')).toEqual({ granted: false, retryAfterMs: 4_900 })
  })

  it('stores the grants as offsets from the oldest, a few digits each', async () => {
    const name = randomUUID()
    const { budget } = counted(name)
    const start = Date.parse('2026-12-01T04:00:00.000Z')
    await budget.take(start, 'write')
    await budget.take(start + 20_000, 'write')

    const item = await itemOf(name)
    expect(item?.grants).toBeUndefined()
    expect(item?.grantsFrom).toBe(start)
    // The first lease's four unused slots went back with the second write.
    expect(item?.grantOffsets).toEqual([0, 20_000, 30_000, 30_000, 30_000, 30_000])
  })

  it('still reads a window stored with whole dates, as before offsets', async () => {
    const name = randomUUID()
    await local.documents.send(
      new PutCommand({
        TableName: table,
        Item: { pk: `budget#${name}`, grants: [0, 1, 2, 3, 4], limit: 5, version: 1 },
      }),
    )
    const { budget } = counted(name, 5)

    expect(await budget.take(10, 'write')).toMatchObject({ granted: false })
  })

  it('writes for every request once the window is half full, as without leases', async () => {
    const name = randomUUID()
    const { budget, calls } = counted(name, 20)
    for (let at = 0; at < 8; at++) await budget.take(at, 'write')
    const writes = calls.PutCommand ?? 0

    for (let at = 8; at < 12; at++) await budget.take(at, 'write')

    expect((calls.PutCommand ?? 0) - writes).toBe(4)
  })
})
