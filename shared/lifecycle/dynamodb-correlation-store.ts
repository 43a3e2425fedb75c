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

/** The fields an intent's next state shares with the record it is stored on. */
type StateFields = Record<string, unknown> & { applied?: unknown[] }

/**
 * An intent as stored: its next state only by what differs from the record's own state (most of
 * it does not, and a write unit is 1 KB). `appliedKept` n stands for the usual change of the
 * applied ids, the record's with the intent's envelope id added, the last n of them kept.
 */
type StoredPending = Record<string, unknown> & {
  envelopeId: string
  changes: StateFields
  unset?: string[]
  appliedKept?: number
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

const compactPending = (base: StateFields, pending: Record<string, unknown>): StoredPending => {
  const { next, ...rest } = pending as { next: StateFields; envelopeId: string }
  const applied = next.applied ?? []
  const appliedKept =
    applied.length > 0 &&
    same(applied, [...(base.applied ?? []), rest.envelopeId].slice(-applied.length))
      ? applied.length
      : undefined
  const changes: StateFields = {}
  for (const [field, value] of Object.entries(next)) {
    if (field === 'applied' && appliedKept !== undefined) continue
    if (!same(value, base[field])) changes[field] = value
  }
  const unset = Object.keys(base).filter((field) => !(field in next))
  return {
    ...rest,
    changes,
    ...(unset.length ? { unset } : {}),
    ...(appliedKept === undefined ? {} : { appliedKept }),
  }
}

const expandPending = (base: StateFields, stored: StoredPending): Record<string, unknown> => {
  const { changes, unset, appliedKept, ...rest } = stored
  const next: StateFields = { ...base, ...changes }
  for (const field of unset ?? []) delete next[field]
  if (appliedKept !== undefined) {
    next.applied = [...(base.applied ?? []), rest.envelopeId].slice(-appliedKept)
  }
  return { ...rest, next }
}

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
      const { pk: _pk, expiresAt: _expiresAt, pending, version, ...state } = result.Item
      // An intent stored whole (before compact intents) has its `next` as it is.
      const expanded =
        pending && typeof pending === 'object' && 'changes' in pending
          ? expandPending(state, pending as StoredPending)
          : pending
      return CorrelationRecordSchema.parse({
        ...state,
        version,
        ...(expanded ? { pending: expanded } : {}),
      })
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
      const {
        pending,
        version: _,
        ...state
      } = withoutUndefined(CorrelationRecordSchema.parse(record))
      const item = {
        ...state,
        ...(pending ? { pending: compactPending(state, pending as Record<string, unknown>) } : {}),
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
