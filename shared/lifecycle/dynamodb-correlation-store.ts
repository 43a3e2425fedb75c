import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb'
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { StateStoreError } from '../errors.js'
import {
  type CorrelationRecord,
  CorrelationRecordSchema,
  type CorrelationState,
  type CorrelationStore,
} from './correlation-store.js'

export type DynamoDbCorrelationStoreOptions = {
  client: DynamoDBDocumentClient
  tableName: string
  /**
   * Seconds after `lastSeen` when DynamoDB may delete a record (TTL attribute `expiresAt`).
   * @default 400 days while the ticket is open, 35 days once it is closed or resolved
   */
  retentionSeconds?: (state: CorrelationState) => number
}

const DAY = 86_400
const defaultRetention = (state: CorrelationState) =>
  state.state === 'open' ? 400 * DAY : 35 * DAY

/** The partition key of a correlation record. Route names cannot contain `#`, keys may. */
export const correlationKey = (route: string, key: string) => `corr#${route}#${key}`

const translate = (operation: string, error: unknown): never => {
  const name = error instanceof Error ? error.name : 'unknown'
  throw new StateStoreError(`DynamoDB ${operation} failed (${name})`, { cause: error })
}

// DynamoDB has no `undefined`; optional fields that are unset are left out, nested ones too (the
// intent's next state).
const withoutUndefined = (record: CorrelationRecord): Record<string, unknown> =>
  JSON.parse(JSON.stringify(record))

/**
 * {@link CorrelationStore} on a DynamoDB table keyed by `pk`. Reads are strongly consistent and
 * writes conditional on the version read, so two workers can never both act on a stale record.
 * Each record carries an `expiresAt` TTL so state of long-finished problems ages out.
 */
export const createDynamoDbCorrelationStore = (
  options: DynamoDbCorrelationStoreOptions,
): CorrelationStore => {
  const { client, tableName } = options
  const retention = options.retentionSeconds ?? defaultRetention

  return {
    async get(route, key) {
      const result = await client
        .send(
          new GetCommand({
            TableName: tableName,
            Key: { pk: correlationKey(route, key) },
            ConsistentRead: true,
          }),
        )
        .catch((error: unknown) => translate('GetItem', error))
      if (!result.Item) return undefined
      const { pk: _pk, expiresAt: _expiresAt, ...stored } = result.Item
      return CorrelationRecordSchema.parse(stored)
    },

    async put(record, expectedVersion) {
      const version = (expectedVersion ?? 0) + 1
      // A pending write's state may be stored only by the next delivery (write receipts): the
      // record lives as long as whichever of the two lives longer.
      const expiresAt = Math.max(
        ...[record, ...(record.pending ? [record.pending.next] : [])].map(
          (state) => Math.floor(Date.parse(state.lastSeen) / 1000) + retention(state),
        ),
      )
      const item = {
        ...withoutUndefined(CorrelationRecordSchema.parse(record)),
        version,
        pk: correlationKey(record.route, record.key),
        expiresAt,
      }
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ...(expectedVersion === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#version = :expected',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':expected': expectedVersion },
                }),
          }),
        )
        return true
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false
        return translate('PutItem', error)
      }
    },
  }
}
