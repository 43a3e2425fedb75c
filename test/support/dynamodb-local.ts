import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import {
  DUE_INDEX,
  OPEN_TICKETS_INDEX,
  TICKET_INDEX,
} from '../../shared/lifecycle/dynamodb-correlation-store.js'
import { spawnDynamoDbLocalProcess } from './dynamodb-local-process.js'

export type DynamoDbLocal = {
  endpoint: string
  client: DynamoDBClient
  documents: DynamoDBDocumentClient
  /** Creates a table shaped like the stack's state table (`pk` string key, the open-ticket, ticket-id and due GSIs). */
  createStateTable(name: string): Promise<void>
  stop(): Promise<void>
}

/** Clients for a DynamoDB Local at `endpoint`; `stop` is what ends it. */
const connect = (endpoint: string, stop: (client: DynamoDBClient) => Promise<void>) => {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  })
  const local: DynamoDbLocal = {
    endpoint,
    client,
    documents: DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    async createStateTable(name) {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: OPEN_TICKETS_INDEX.partitionKey, AttributeType: 'S' },
            { AttributeName: OPEN_TICKETS_INDEX.sortKey, AttributeType: 'S' },
            { AttributeName: TICKET_INDEX.partitionKey, AttributeType: 'N' },
            { AttributeName: DUE_INDEX.partitionKey, AttributeType: 'S' },
            { AttributeName: DUE_INDEX.sortKey, AttributeType: 'S' },
          ],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          // As the stack declares it (infra/constructs/state-table.ts).
          GlobalSecondaryIndexes: [
            {
              IndexName: OPEN_TICKETS_INDEX.name,
              KeySchema: [
                { AttributeName: OPEN_TICKETS_INDEX.partitionKey, KeyType: 'HASH' },
                { AttributeName: OPEN_TICKETS_INDEX.sortKey, KeyType: 'RANGE' },
              ],
              Projection: {
                ProjectionType: 'INCLUDE',
                NonKeyAttributes: [...OPEN_TICKETS_INDEX.projected],
              },
            },
            {
              IndexName: TICKET_INDEX.name,
              KeySchema: [{ AttributeName: TICKET_INDEX.partitionKey, KeyType: 'HASH' }],
              Projection: { ProjectionType: 'KEYS_ONLY' },
            },
            {
              IndexName: DUE_INDEX.name,
              KeySchema: [
                { AttributeName: DUE_INDEX.partitionKey, KeyType: 'HASH' },
                { AttributeName: DUE_INDEX.sortKey, KeyType: 'RANGE' },
              ],
              Projection: {
                ProjectionType: 'INCLUDE',
                NonKeyAttributes: [...DUE_INDEX.projected],
              },
            },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      )
    },
    stop: () => stop(client),
  }
  return local
}

/** The endpoint the integration project's global setup started, inside a vitest worker. */
const sharedEndpoint = async (): Promise<string | undefined> => {
  if (!process.env.VITEST) return undefined
  const { inject } = await import('vitest')
  return inject('dynamoDbLocalEndpoint')
}

/**
 * Resolves once DynamoDB Local answers `ListTables` at `client`'s endpoint; rejects when it has
 * not within `timeoutMs`, or once `stopped` (a run shorter than the JVM's start ends it so).
 */
const answering = async (
  client: DynamoDBClient,
  timeoutMs: number,
  output: () => string,
  stopped?: AbortSignal,
) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}))
      return
    } catch (error) {
      if (stopped?.aborted) throw new Error('DynamoDB Local was stopped before it answered')
      if (Date.now() > deadline) {
        throw new Error(`DynamoDB Local did not answer within ${timeoutMs} ms:\n${output()}`, {
          cause: error,
        })
      }
      await new Promise((done) => setTimeout(done, 100))
    }
  }
}

/**
 * DynamoDB Local for a test file: the one the integration project started for the whole run
 * (`test/support/dynamodb-local-setup.ts`; tables are named per test, so files do not meet),
 * else one of its own. Stopping the shared one only closes this file's client.
 */
export const startDynamoDbLocal = async (timeoutMs = 30_000): Promise<DynamoDbLocal> => {
  const shared = await sharedEndpoint()
  if (!shared) return launchDynamoDbLocal(timeoutMs)
  const local = connect(shared, async (client) => client.destroy())
  // The global setup hands out the endpoint as the JVM starts: the first files wait here.
  await answering(local.client, timeoutMs, () => 'started by the global setup (see its output)')
  return local
}

/**
 * A DynamoDB Local of its own ({@link spawnDynamoDbLocalProcess}), returned once it answers
 * `ListTables` over HTTP (stopped again if it never does).
 */
export const launchDynamoDbLocal = async (timeoutMs = 30_000): Promise<DynamoDbLocal> => {
  const jvm = await spawnDynamoDbLocalProcess()
  const stopped = new AbortController()
  const local = connect(jvm.endpoint, async (own) => {
    stopped.abort()
    own.destroy()
    await jvm.stop()
  })
  try {
    await Promise.race([
      answering(local.client, timeoutMs, jvm.output, stopped.signal),
      jvm.exitedEarly,
    ])
  } catch (error) {
    await local.stop()
    throw error
  }
  return local
}
