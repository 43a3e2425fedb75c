import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { RateBudgetUnavailableError } from '../errors.js'
import {
  type BudgetState,
  lineUp,
  refused,
  storedBudgetState,
  takeSlot,
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
  random?: () => number
}

/**
 * The {@link RateBudget} shared by every Lambda worker: one DynamoDB item per Halo tenant holds
 * the budget's state (the window's grants, the learned limit, pacing, `Retry-After`, the line of
 * waiting callers), and each operation rewrites it conditionally on the version it read,
 * re-reading on a conflict. What it decides is what the memory adapter would decide: both apply
 * the rules of `budget-state.ts`. A denial that changes nothing is not written.
 *
 * @throws RangeError when `limit` or `windowMs` is not a positive number.
 * @throws RateBudgetUnavailableError when DynamoDB fails.
 */
export const createDynamoDbRateBudget = (options: DynamoDbRateBudgetOptions): RateBudget => {
  const settings = budgetSettings(options)
  const { client, tableName } = options
  const pk = `budget#${options.name ?? 'halo'}`
  const maxAttempts = options.maxAttempts ?? 8
  const random = options.random ?? Math.random

  const fail = (operation: string, error: unknown): never => {
    const name = error instanceof Error ? error.name : 'unknown'
    throw new RateBudgetUnavailableError(`DynamoDB ${operation} failed (${name})`, {
      cause: error,
    })
  }

  /**
   * Reads the state, applies `change`, and writes the result when `change` says it matters,
   * conditionally on the version read. Resolves with `change`'s answer, or `busy` after
   * `maxAttempts` conflicts.
   */
  const update = async <Answer>(
    now: number,
    change: (state: BudgetState) => { state: BudgetState; answer: Answer; write: boolean },
    busy: Answer,
  ): Promise<Answer> => {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const result = await client
        .send(new GetCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true }))
        .catch((error: unknown) => fail('GetItem', error))
      const version = typeof result.Item?.version === 'number' ? result.Item.version : undefined
      const before = storedBudgetState(result.Item, settings, now)
      const { state, answer, write } = change(before)
      if (!write) return answer
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              pk,
              ...state,
              version: (version ?? 0) + 1,
              // Idle budgets disappear on their own (DynamoDB TTL is in seconds).
              expiresAt: Math.ceil((now + settings.windowMs) / 1000) + 3600,
            },
            ...(version === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#version = :read',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':read': version },
                }),
          }),
        )
        return answer
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) fail('PutItem', error)
        // Another worker changed the budget first: read again after a short random pause.
        await new Promise((done) => setTimeout(done, Math.floor(random() * 10 * (attempt + 1))))
      }
    }
    return busy
  }

  const contended = () => 50 + Math.floor(random() * 100)

  return {
    take: (now, lane) =>
      update(
        now,
        (state) => {
          const next = takeSlot(state, settings, now, lane)
          // A denial changes nothing that the next read would not work out again.
          return { ...next, write: next.answer.granted || next.state.limit !== state.limit }
        },
        { granted: false, retryAfterMs: contended() },
      ),
    lineUp: (now, lane) =>
      update(
        now,
        (state) => {
          const next = lineUp(state, settings, now, lane)
          return { state: next.state, answer: next.retryAfterMs, write: true }
        },
        contended(),
      ),
    refused: (now, report) =>
      update(
        now,
        (state) => ({
          state: refused(state, settings, now, report),
          answer: undefined,
          write: true,
        }),
        undefined,
      ),
    async underPressure(now) {
      const result = await client
        .send(new GetCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true }))
        .catch((error: unknown) => fail('GetItem', error))
      return underPressure(storedBudgetState(result.Item, settings, now), settings, now)
    },
  }
}
