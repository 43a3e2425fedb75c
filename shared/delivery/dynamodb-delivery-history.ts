import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb'
import { clipText } from '../clip-text.js'
import { StateStoreError } from '../errors.js'
import { readStoredDeliveryRecord } from '../schema-readers.generated.js'
import { type Parser, safeRead, schemaReading } from '../schema-reading.js'
import {
  type DeliveryFilter,
  type DeliveryHistory,
  type DeliveryRecord,
  WRITE_RECEIPT_OUTCOMES,
} from './delivery-history.js'

export type DynamoDbDeliveryHistoryOptions = {
  client: DynamoDBDocumentClient
  tableName: string
  /** Seconds after an outcome when DynamoDB may delete its item (TTL `expiresAt`). @default 14 days */
  retentionSeconds?: number
  /**
   * The same for an outcome that is also the receipt of the envelope's Halo write (delivered,
   * deduplicated; see write-receipts.ts). @default 35 days, as long as a closed problem's record
   */
  receiptRetentionSeconds?: number
  /** Items a `list` Scan reads per request. @default DynamoDB's (1 MB per page) */
  scanPageSize?: number
  now?: () => Date
}

/** How long the history keeps an envelope's latest outcome: the queue's retention. */
export const HISTORY_RETENTION_SECONDS = 14 * 86_400

/** How long it keeps an outcome that is the receipt of a Halo write. */
export const RECEIPT_RETENTION_SECONDS = 35 * 86_400

/** The partition key of an envelope's history item. */
export const historyKey = (envelopeId: string) => `hist#${envelopeId}`

const HISTORY_PREFIX = 'hist#'

/**
 * The item attribute holding an outcome's Halo ticket id. Not `ticketId`: that is the partition
 * key of the table's `TicketIds` index, which finds a problem's record by its ticket, and an
 * outcome stored under it would be written to the index too, one more write unit per delivery for
 * an entry nothing reads. Items written before this name was chosen still say `ticketId`.
 */
const TICKET_ATTRIBUTE = 'ticket'

/**
 * A reason is a Halo answer or an error message: clipped, so an item stays under 1 KB and each put
 * costs one write unit.
 */
const MAX_REASON = 600

/**
 * A history item as `StoredDeliveryRecordSchema` reads it: by its compiled reader, and by the
 * schema (loaded with zod then) for an item the reader is not sure of.
 */
const STORED_RECORD = schemaReading<DeliveryRecord>(
  readStoredDeliveryRecord,
  async () =>
    (await import('./stored-delivery-record-schema.js'))
      .StoredDeliveryRecordSchema as unknown as Parser<DeliveryRecord>,
)

/** An item as {@link STORED_RECORD} reads it: the ticket id under its record name. */
const recordFields = (item: Record<string, unknown> | undefined) => {
  if (!item || !(TICKET_ATTRIBUTE in item)) return item
  const { [TICKET_ATTRIBUTE]: ticketId, ...rest } = item
  return { ...rest, ticketId }
}

const translate = (operation: string, error: unknown): never => {
  const name = error instanceof Error ? error.name : 'unknown'
  throw new StateStoreError(`DynamoDB ${operation} failed (${name})`, { cause: error })
}

/**
 * {@link DeliveryHistory} on the stack's state table: one item per envelope (`hist#<envelopeId>`),
 * overwritten by each outcome with one unconditional put (no read first), and deleted by
 * DynamoDB's TTL (`expiresAt`) after the retention (longer for the receipt of a Halo write).
 * `get` reads one item strongly consistently. `list` scans the table for `hist#` items: it is for
 * operators (`npm run deliveries`), never on the delivery path, and reads the whole table.
 */
export const createDynamoDbDeliveryHistory = (
  options: DynamoDbDeliveryHistoryOptions,
): DeliveryHistory => {
  const { client, tableName } = options
  const retention = options.retentionSeconds ?? HISTORY_RETENTION_SECONDS
  const receiptRetention = options.receiptRetentionSeconds ?? RECEIPT_RETENTION_SECONDS
  const now = options.now ?? (() => new Date())

  return {
    async record(entry) {
      // DynamoDB has no `undefined`: unset optional fields are left out.
      const { ticketId, ...fields } = entry
      const item: Record<string, unknown> = JSON.parse(JSON.stringify(fields))
      if (ticketId !== undefined) item[TICKET_ATTRIBUTE] = ticketId
      if (entry.reason !== undefined) item.reason = clipText(entry.reason, MAX_REASON)
      const at = Date.parse(entry.at)
      item.pk = historyKey(entry.envelopeId)
      item.expiresAt =
        Math.floor((Number.isNaN(at) ? now().getTime() : at) / 1000) +
        (WRITE_RECEIPT_OUTCOMES.has(entry.outcome) ? receiptRetention : retention)
      await client
        .send(new PutCommand({ TableName: tableName, Item: item }))
        .catch((error: unknown) => translate('PutItem', error))
    },

    async get(envelopeId) {
      const { Item } = await client
        .send(
          new GetCommand({
            TableName: tableName,
            Key: { pk: historyKey(envelopeId) },
            ConsistentRead: true,
          }),
        )
        .catch((error: unknown) => translate('GetItem', error))
      const parsed = await safeRead(STORED_RECORD, recordFields(Item))
      return Item && parsed.success ? parsed.data : undefined
    },

    async list({ route, outcome, limit = 200 }: DeliveryFilter = {}) {
      const names: Record<string, string> = { '#pk': 'pk', '#expiresAt': 'expiresAt' }
      const values: Record<string, unknown> = {
        ':prefix': HISTORY_PREFIX,
        ':now': Math.floor(now().getTime() / 1000),
      }
      // TTL deletes within days of expiry, not at once: expired items are left out here.
      const conditions = ['begins_with(#pk, :prefix)', '#expiresAt > :now']
      if (route !== undefined) {
        names['#route'] = 'route'
        values[':route'] = route
        conditions.push('#route = :route')
      }
      if (outcome !== undefined) {
        names['#outcome'] = 'outcome'
        values[':outcome'] = outcome
        conditions.push('#outcome = :outcome')
      }
      const records: DeliveryRecord[] = []
      let startKey: Record<string, unknown> | undefined
      do {
        const page = await client
          .send(
            new ScanCommand({
              TableName: tableName,
              FilterExpression: conditions.join(' AND '),
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
              ExclusiveStartKey: startKey,
              Limit: options.scanPageSize,
            }),
          )
          .catch((error: unknown) => translate('Scan', error))
        for (const item of page.Items ?? []) {
          const parsed = await safeRead(STORED_RECORD, recordFields(item))
          if (parsed.success) records.push(parsed.data)
        }
        startKey = page.LastEvaluatedKey
      } while (startKey)
      // ISO 8601 times in UTC sort as text; the envelope id breaks ties so the order is stable.
      return records
        .sort((a, b) => b.at.localeCompare(a.at) || a.envelopeId.localeCompare(b.envelopeId))
        .slice(0, limit)
    },
  }
}
