import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { RateBudgetUnavailableError } from '../errors.js'
import {
  type BudgetLane,
  type BudgetState,
  laneCovers,
  leaseSlots,
  lineUp,
  MAX_LEASE_MS,
  refused,
  returnSlots,
  storedBudgetState,
  underPressure,
} from './budget-state.js'
import { budgetSettings, type RateBudget, type RateBudgetLimits } from './rate-budget.js'

export type DynamoDbRateBudgetOptions = Partial<RateBudgetLimits> & {
  client: DynamoDBDocumentClient
  tableName: string
  /** Which budget: one per Halo tenant. @default 'halo' */
  name?: string
  /** Optimistic-write attempts before answering "wait a moment". @default 8 */
  maxAttempts?: number
  /**
   * Slots one write of the shared state may lease beyond the one asked for, and how long they
   * may wait to be used (at most 10 s). 0 writes the shared state for every request.
   * @default { extra: 4, ms: 10_000 }
   */
  lease?: { extra: number; ms: number }
  /** How long a state read is trusted for `underPressure` and the next write. @default 1_000 */
  readFreshMs?: number
  random?: () => number
}

/** The most one write leases on an invocation's `expect`: a batch of ten records' requests. */
const MAX_EXPECTED_EXTRA = 24

/**
 * The slots this worker holds beyond the ones it used, and until when it may use them; `closed`
 * when the invocation that took it ended (what is left goes back with the next write).
 */
type Lease = { lane: BudgetLane; until: number; left: number; usedAt: number[]; closed?: boolean }

/**
 * The item as stored: the window's grants as offsets from the oldest (`grantsFrom`), a few
 * digits each instead of thirteen, so a busy window stays within one 1 KB write unit longer.
 * Grants that are not whole milliseconds are stored as they are.
 */
const toItem = (state: BudgetState): Record<string, unknown> => {
  const { grants, ...rest } = state
  if (grants.length === 0 || !grants.every(Number.isInteger)) return state
  const from = Math.min(...grants)
  return { ...rest, grantsFrom: from, grantOffsets: grants.map((at) => at - from) }
}

/** A stored item with its grants as dates again, for {@link storedBudgetState}. */
const fromItem = (item: Record<string, unknown> | undefined) => {
  if (!item || !Array.isArray(item.grantOffsets) || typeof item.grantsFrom !== 'number') return item
  const from = item.grantsFrom
  return {
    ...item,
    grants: item.grantOffsets.map((offset) =>
      typeof offset === 'number' ? from + offset : offset,
    ),
  }
}

/**
 * The {@link RateBudget} shared by every Lambda worker: one DynamoDB item per Halo tenant holds
 * the budget's state (the window's grants, the learned limit, pacing, `Retry-After`, the line of
 * waiting callers), and each change rewrites it conditionally on the version it read, re-reading
 * on a conflict. What it decides is what the memory adapter would decide: both apply the rules of
 * `budget-state.ts`. A denial that changes nothing is not written.
 *
 * A worker does not write the item for every request: while the window is less than half full,
 * one write grants the slot asked for and leases a few more (a tenth of the free ones at most),
 * which this worker then uses without asking, for up to `lease.ms` and until `endLease()` (the
 * end of the invocation). Leased slots are dated at
 * the lease's end, so the window counts them at least as long as Halo will; the next write of
 * this worker gives back the ones it did not use. Under pressure every request is one write, as
 * without leases, and a 429 gives back the lease at once, so every worker learns and waits.
 *
 * @throws RangeError when `limit` or `windowMs` is not a positive number.
 * @throws RateBudgetUnavailableError when DynamoDB fails.
 */
export const createDynamoDbRateBudget = (
  options: DynamoDbRateBudgetOptions,
): RateBudget & { expect(requests: number): void; endLease(): void } => {
  const settings = budgetSettings(options)
  const { client, tableName } = options
  const pk = `budget#${options.name ?? 'halo'}`
  const maxAttempts = options.maxAttempts ?? 8
  const random = options.random ?? Math.random
  const leaseExtra = Math.max(0, options.lease?.extra ?? 4)
  const leaseMs = Math.min(MAX_LEASE_MS, Math.max(0, options.lease?.ms ?? MAX_LEASE_MS))
  const readFreshMs = options.readFreshMs ?? 1_000

  let lease: Lease | undefined
  /** Requests this invocation said it expects (`expect`), and how many it was granted so far. */
  let expected = 0
  let granted = 0
  /** The item as last read or written by this worker, and when. */
  let last: { item: Record<string, unknown> | undefined; at: number } | undefined
  /** A lease being asked for: concurrent callers of this worker wait for it. */
  let leasing: Promise<unknown> | undefined

  const fail = (operation: string, error: unknown): never => {
    const name = error instanceof Error ? error.name : 'unknown'
    throw new RateBudgetUnavailableError(`DynamoDB ${operation} failed (${name})`, {
      cause: error,
    })
  }

  const read = async (now: number) => {
    const result = await client
      .send(new GetCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true }))
      .catch((error: unknown) => fail('GetItem', error))
    last = { item: result.Item, at: now }
    return result.Item
  }

  /**
   * Reads the state (or trusts a fresh read of this worker's), applies `change`, and writes the
   * result when `change` says it matters, conditionally on the version read. Resolves with
   * `change`'s answer (after calling `written` when it was written), or `busy` after
   * `maxAttempts` conflicts.
   */
  const update = async <Answer>(
    now: number,
    change: (state: BudgetState) => { state: BudgetState; answer: Answer; write: boolean },
    busy: Answer,
    written?: () => void,
  ): Promise<Answer> => {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const fresh = attempt === 0 && last && now - last.at <= readFreshMs && now >= last.at
      const item = fresh ? last?.item : await read(now)
      const version = typeof item?.version === 'number' ? item.version : undefined
      const before = storedBudgetState(fromItem(item), settings, now)
      const { state, answer, write } = change(before)
      if (!write) return answer
      const next = {
        pk,
        ...toItem(state),
        version: (version ?? 0) + 1,
        // Idle budgets disappear on their own (DynamoDB TTL is in seconds).
        expiresAt: Math.ceil((now + settings.windowMs) / 1000) + 3600,
      }
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: next,
            ...(version === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#version = :read',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':read': version },
                }),
          }),
        )
        last = { item: next, at: now }
        written?.()
        return answer
      } catch (error) {
        last = undefined
        if (!(error instanceof ConditionalCheckFailedException)) fail('PutItem', error)
        // Another worker changed the budget first: read again after a short random pause.
        await new Promise((done) => setTimeout(done, Math.floor(random() * 10 * (attempt + 1))))
      }
    }
    return busy
  }

  const contended = () => 50 + Math.floor(random() * 100)

  /** `held`'s unused slots taken out of `state`: they go back with the write. */
  const withoutLease = (state: BudgetState, now: number, held: Lease | undefined, more = 0) =>
    held && held.left + more > 0
      ? returnSlots(state, settings, now, held.until, held.left + more)
      : state

  /** Extras one write may lease: the configured few, or as many as the invocation still expects. */
  const extraToLease = () =>
    leaseExtra === 0
      ? 0
      : Math.max(leaseExtra, Math.min(MAX_EXPECTED_EXTRA, expected - granted - 1))

  /** One write: give back what is left of the lease, take a slot and lease a few more. */
  const acquire = async (now: number, lane: BudgetLane) => {
    const held = lease
    let leased: Lease | undefined
    const answer = await update(
      now,
      (stored) => {
        const state = withoutLease(stored, now, held)
        const next = leaseSlots(state, settings, now, lane, {
          most: extraToLease(),
          until: now + leaseMs,
        })
        // Extras are leased only while the window is under half the notes' share, so they fit
        // every lane's share: the lease serves any request (a record reads, writes and notes).
        leased =
          next.extra > 0
            ? { lane: 'note', until: next.until, left: next.extra, usedAt: [] }
            : undefined
        const returned = state.grants.length !== stored.grants.length
        const write = next.answer.granted || next.state.limit !== stored.limit || returned
        return { state: next.state, answer: next.answer, write }
      },
      { granted: false, retryAfterMs: contended() },
      // Written: the old lease went back and the new one is this worker's. Not written (a
      // denial that changed nothing, or contention): the old lease stands.
      () => {
        lease = leased
      },
    )
    return answer
  }

  const fromLease = (now: number, lane: BudgetLane) => {
    const held = lease
    if (!held || held.closed || held.left <= 0) return false
    if (now >= held.until || now < held.until - leaseMs) return false
    if (!laneCovers(held.lane, lane)) return false
    held.left -= 1
    held.usedAt.push(now)
    return true
  }

  /** A write that also gives back this worker's lease (`more` of its used slots with it). */
  const giveBack = async <Answer>(
    now: number,
    change: (state: BudgetState, held: Lease | undefined) => BudgetState,
    answerOf: (state: BudgetState) => Answer,
    busy: Answer,
  ) => {
    const held = lease
    return update(
      now,
      (stored) => {
        const state = change(stored, held)
        return { state, answer: answerOf(state), write: true }
      },
      busy,
      () => {
        if (lease === held) lease = undefined
      },
    )
  }

  return {
    async take(now, lane) {
      while (leasing) await leasing.catch(() => undefined)
      if (fromLease(now, lane)) {
        granted += 1
        return { granted: true, at: now }
      }
      const pending = acquire(now, lane)
      leasing = pending
      try {
        const answer = await pending
        if (answer.granted) granted += 1
        return answer
      } finally {
        if (leasing === pending) leasing = undefined
      }
    },
    async lineUp(now, lane) {
      let place = 0
      const written = await giveBack(
        now,
        (stored, held) => {
          const next = lineUp(withoutLease(stored, now, held), settings, now, lane)
          place = next.retryAfterMs
          return next.state
        },
        () => true,
        false,
      )
      return written ? place : contended()
    },
    refused: (now, report) =>
      giveBack(
        now,
        (stored, held) => {
          // A leased slot is dated at the lease's end: it goes back with the rest of the lease;
          // a request's own grant (a lease's first slot) goes back by its time, as without one.
          const extra = held?.usedAt.includes(report.grantedAt) ?? false
          return refused(withoutLease(stored, now, held, extra ? 1 : 0), settings, now, {
            grantedAt: extra ? Number.NaN : report.grantedAt,
            retryAfterMs: report.retryAfterMs,
          })
        },
        () => undefined,
        undefined,
      ),
    async underPressure(now) {
      const fresh = last && now - last.at <= readFreshMs && now >= last.at
      const item = fresh ? last?.item : await read(now)
      return underPressure(storedBudgetState(fromItem(item), settings, now), settings, now)
    },
    /**
     * The invocation is over: its lease is used no more (a later invocation reads the shared
     * state afresh), and what is left of it goes back with this worker's next write.
     */
    endLease() {
      if (lease) lease.closed = true
      last = undefined
      expected = 0
      granted = 0
    },
    /**
     * The invocation expects about `requests` Halo requests (a batch of records): while the
     * window is calm, its next write may lease that many at once instead of a few at a time, so
     * a batch writes the shared item about once, not once per five requests. Still a tenth of the
     * free slots at most, given back unused with the next write, and ended by `endLease`.
     */
    expect(requests) {
      expected = Math.max(0, Math.floor(requests))
    },
  }
}
