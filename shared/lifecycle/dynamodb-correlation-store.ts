import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb'
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb'
import { StateStoreError } from '../errors.js'
import {
  type CorrelationRecord,
  CorrelationRecordSchema,
  type CorrelationStore,
  type OpenTicket,
  openTicketOf,
} from './correlation-store.js'

export type DynamoDbCorrelationStoreOptions = {
  client: DynamoDBDocumentClient
  tableName: string
  /**
   * Seconds after `lastSeen` when DynamoDB may delete a record (TTL attribute `expiresAt`).
   * @default 400 days while the ticket is open, 35 days once it is closed or resolved
   */
  retentionSeconds?: (record: CorrelationRecord) => number
}

const DAY = 86_400
const defaultRetention = (record: CorrelationRecord) =>
  record.state === 'open' ? 400 * DAY : 35 * DAY

/** The partition key of a correlation record. Route names cannot contain `#`, keys may. */
export const correlationKey = (route: string, key: string) => `corr#${route}#${key}`

/** The partition key of the ticket index item that names the record holding a Halo ticket. */
export const ticketIndexKey = (ticketId: number) => `tix#${ticketId}`

/**
 * The sparse index of open tickets (the reconcile sweep's work list): only a record whose ticket
 * is open carries its two attributes, so closed and resolved records cost the index nothing. The
 * sort key orders by last check, then route and key (`#` sorts below every character a route
 * name may hold, so the order is that of `open-ticket-order.ts`).
 */
export const OPEN_TICKETS_INDEX = {
  name: 'OpenTickets',
  partitionKey: 'openTicket',
  sortKey: 'openOrder',
  /** Besides the keys: what a sweep needs to read the ticket and name its problem. */
  projected: ['route', 'key', 'ticketId'],
} as const

/** The one partition of the open-ticket index. */
const OPEN = 'open'

const openTicketAttributes = (record: CorrelationRecord): Record<string, string> => {
  const open = openTicketOf(record)
  if (!open) return {}
  return {
    [OPEN_TICKETS_INDEX.partitionKey]: OPEN,
    [OPEN_TICKETS_INDEX.sortKey]: `${open.checkedAt}#${open.route}#${open.key}`,
  }
}

const translate = (operation: string, error: unknown): never => {
  const name = error instanceof Error ? error.name : 'unknown'
  throw new StateStoreError(`DynamoDB ${operation} failed (${name})`, { cause: error })
}

// DynamoDB has no `undefined`; optional fields that are unset are left out, nested ones too (the
// intent's next state).
const withoutUndefined = (record: CorrelationRecord): Record<string, unknown> =>
  JSON.parse(JSON.stringify(record))

/** A put that lost its condition: plain, or as the first item of a transaction. */
const lostCondition = (error: unknown): boolean =>
  error instanceof ConditionalCheckFailedException ||
  (error instanceof TransactionCanceledException &&
    error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed')

/**
 * {@link CorrelationStore} on a DynamoDB table keyed by `pk`. Reads are strongly consistent and
 * writes conditional on the version read, so two workers can never both act on a stale record.
 * Each record carries an `expiresAt` TTL so state of long-finished problems ages out.
 *
 * A record with a ticket is written in one transaction with its ticket index item
 * (`tix#<ticketId>` → route and key, same TTL), so the index never misses a ticket a record
 * holds; an index item left pointing at a record that has moved on to another ticket is
 * recognised on read and answers nothing. Transactions need no IAM action besides `PutItem`.
 *
 * A record whose ticket is open also carries the attributes of the sparse {@link
 * OPEN_TICKETS_INDEX} (a GSI, eventually consistent), which {@link CorrelationStore.listOpenTickets}
 * queries.
 */
export const createDynamoDbCorrelationStore = (
  options: DynamoDbCorrelationStoreOptions,
): CorrelationStore => {
  const { client, tableName } = options
  const retention = options.retentionSeconds ?? defaultRetention

  const store: CorrelationStore = {
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
      const {
        pk: _pk,
        expiresAt: _expiresAt,
        [OPEN_TICKETS_INDEX.partitionKey]: _open,
        [OPEN_TICKETS_INDEX.sortKey]: _order,
        ...stored
      } = result.Item
      return CorrelationRecordSchema.parse(stored)
    },

    async put(record, expectedVersion) {
      const version = (expectedVersion ?? 0) + 1
      const expiresAt = Math.floor(Date.parse(record.lastSeen) / 1000) + retention(record)
      const recordPut = {
        TableName: tableName,
        Item: {
          ...withoutUndefined(CorrelationRecordSchema.parse(record)),
          version,
          pk: correlationKey(record.route, record.key),
          expiresAt,
          ...openTicketAttributes(record),
        },
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': expectedVersion },
            }),
      }
      const { ticketId } = record
      try {
        if (ticketId === undefined) {
          await client.send(new PutCommand(recordPut))
        } else {
          const indexItem = {
            pk: ticketIndexKey(ticketId),
            route: record.route,
            key: record.key,
            expiresAt,
          }
          await client.send(
            new TransactWriteCommand({
              TransactItems: [
                { Put: recordPut },
                { Put: { TableName: tableName, Item: indexItem } },
              ],
            }),
          )
        }
        return true
      } catch (error) {
        if (lostCondition(error)) return false
        return translate(ticketId === undefined ? 'PutItem' : 'TransactWriteItems', error)
      }
    },

    async listOpenTickets(limit) {
      if (limit < 1) return []
      const result = await client
        .send(
          new QueryCommand({
            TableName: tableName,
            IndexName: OPEN_TICKETS_INDEX.name,
            KeyConditionExpression: '#open = :open',
            ExpressionAttributeNames: { '#open': OPEN_TICKETS_INDEX.partitionKey },
            ExpressionAttributeValues: { ':open': OPEN },
            ScanIndexForward: true,
            Limit: limit,
          }),
        )
        .catch((error: unknown) => translate('Query', error))
      return (result.Items ?? []).flatMap((item): OpenTicket[] => {
        const { route, key, ticketId } = item
        const order = item[OPEN_TICKETS_INDEX.sortKey]
        if (typeof route !== 'string' || typeof key !== 'string') return []
        if (typeof ticketId !== 'number' || typeof order !== 'string') return []
        return [{ route, key, ticketId, checkedAt: order.slice(0, order.indexOf('#')) }]
      })
    },

    async findByTicket(ticketId) {
      const result = await client
        .send(
          new GetCommand({
            TableName: tableName,
            Key: { pk: ticketIndexKey(ticketId) },
            ConsistentRead: true,
          }),
        )
        .catch((error: unknown) => translate('GetItem', error))
      const { route, key } = result.Item ?? {}
      if (typeof route !== 'string' || typeof key !== 'string') return undefined
      const record = await store.get(route, key)
      return record?.ticketId === ticketId ? record : undefined
    },
  }
  return store
}
