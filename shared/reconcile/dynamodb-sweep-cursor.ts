import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import { StateStoreError } from '../errors.js'
import type { OpenTicket } from '../lifecycle/correlation-store.js'
import type { SweepCursor } from './sweep-cursor.js'

/** The cursor's item: the sweeper's grant is limited to keys that begin `sweep#` (and `budget#`). */
export const SWEEP_CURSOR_KEY = 'sweep#reconcile'

const positionOf = (item: Record<string, unknown> | undefined): OpenTicket | undefined => {
  const { route, key, ticketId, checkedAt } = item ?? {}
  if (typeof route !== 'string' || typeof key !== 'string') return undefined
  if (typeof ticketId !== 'number' || typeof checkedAt !== 'string') return undefined
  return { route, key, ticketId, checkedAt }
}

/**
 * The sweep's cursor as one small item of the state table: a read and a write per sweep, in
 * place of a queued event (and a deliver run and a record write) for every open ticket read.
 */
export const createDynamoDbSweepCursor = (options: {
  client: DynamoDBDocumentClient
  tableName: string
}): SweepCursor => {
  const { client, tableName } = options
  const fail = (operation: string) => (error: unknown) => {
    const name = error instanceof Error ? error.name : 'unknown'
    throw new StateStoreError(`DynamoDB ${operation} failed (${name})`, { cause: error })
  }
  return {
    async read() {
      const result = await client
        .send(new GetCommand({ TableName: tableName, Key: { pk: SWEEP_CURSOR_KEY } }))
        .catch(fail('GetItem'))
      return positionOf(result.Item)
    },
    async write(position) {
      await client
        .send(
          new PutCommand({
            TableName: tableName,
            Item: { pk: SWEEP_CURSOR_KEY, ...(position ?? {}) },
          }),
        )
        .catch(fail('PutItem'))
    },
  }
}
