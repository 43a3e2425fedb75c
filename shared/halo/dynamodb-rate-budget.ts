import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { RateBudgetUnavailableError } from '../errors.js'
import {
  type BudgetDecision,
  DEFAULT_RATE_BUDGET,
  type RateBudget,
  type RateBudgetLimits,
} from './rate-budget.js'

export type DynamoDbRateBudgetOptions = Partial<RateBudgetLimits> & {
  client: DynamoDBDocumentClient
  tableName: string
  /** Which budget: one per Halo instance. @default 'halo' */
  name?: string
  /** Optimistic-write attempts before answering "wait a moment". @default 8 */
  maxAttempts?: number
  random?: () => number
}

/**
 * A rolling-window {@link RateBudget} shared by every Lambda worker: one DynamoDB item holds the
 * grant times of the current window, and each `take` rewrites it conditionally on the version
 * it read (retrying on a conflict). The answer is exact, like the memory adapter's, instead of a
 * per-worker share of the limit. Under heavy contention a caller may be told to wait a few
 * milliseconds even though a slot is free; it is never granted one that is not.
 *
 * @throws RangeError when `limit` or `windowMs` is not a positive number.
 * @throws RateBudgetUnavailableError when DynamoDB fails.
 */
export const createDynamoDbRateBudget = (options: DynamoDbRateBudgetOptions): RateBudget => {
  const { limit, windowMs } = {
    limit: options.limit ?? DEFAULT_RATE_BUDGET.limit,
    windowMs: options.windowMs ?? DEFAULT_RATE_BUDGET.windowMs,
  }
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be an integer ≥ 1')
  if (!(windowMs > 0)) throw new RangeError('windowMs must be > 0')
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

  return {
    async take(now: number): Promise<BudgetDecision> {
      for (let attempt = 0; attempt < maxAttempts; attempt++) {
        const result = await client
          .send(new GetCommand({ TableName: tableName, Key: { pk }, ConsistentRead: true }))
          .catch((error: unknown) => fail('GetItem', error))
        const version = typeof result.Item?.version === 'number' ? result.Item.version : undefined
        const stored: unknown[] = Array.isArray(result.Item?.granted) ? result.Item.granted : []
        const granted = stored
          .filter((at): at is number => typeof at === 'number' && at > now - windowMs)
          .sort((a, b) => a - b)
        if (granted.length >= limit) {
          const oldest = granted[granted.length - limit] ?? now
          return { granted: false, retryAfterMs: Math.max(1, oldest + windowMs - now) }
        }
        granted.push(now)
        try {
          await client.send(
            new PutCommand({
              TableName: tableName,
              Item: {
                pk,
                granted,
                version: (version ?? 0) + 1,
                // Idle budgets disappear on their own (DynamoDB TTL is in seconds).
                expiresAt: Math.ceil((now + windowMs) / 1000) + 3600,
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
          return { granted: true }
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException)) fail('PutItem', error)
          // Another worker took a slot first: read again after a short random pause.
          await new Promise((done) => setTimeout(done, Math.floor(random() * 10 * (attempt + 1))))
        }
      }
      return { granted: false, retryAfterMs: 50 + Math.floor(random() * 100) }
    },
  }
}
