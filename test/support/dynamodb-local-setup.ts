import type { TestProject } from 'vitest/node'
import { type DynamoDbLocalProcess, spawnDynamoDbLocalProcess } from './dynamodb-local-process.js'

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbLocalEndpoint: string
  }
}

// The integration project and the own-module-graph project name this setup: they share one
// DynamoDB Local, stopped when the last of them is torn down.
const SHARED = Symbol.for('halo-hooks.dynamodb-local')
type Shared = { local: Promise<DynamoDbLocalProcess>; users: number }
const registry = globalThis as typeof globalThis & { [SHARED]?: Shared }

/**
 * The projects' global setup: one DynamoDB Local for the whole run (it takes seconds of CPU to
 * start), shared by every file through `startDynamoDbLocal`. The tests start while the JVM does:
 * a file waits for its first answer only when it connects. No AWS SDK is loaded here: the setup
 * runs before any file may start.
 */
export default async function setup(project: TestProject) {
  registry[SHARED] ??= { local: spawnShared(), users: 0 }
  const shared = registry[SHARED]
  shared.users++
  const local = await shared.local
  project.provide('dynamoDbLocalEndpoint', local.endpoint)
  return async () => {
    if (--shared.users > 0) return
    registry[SHARED] = undefined
    await local.stop()
  }
}

/**
 * Starts the shared one. The files that connect wait for its first answer and fail on their own
 * when it never comes; why it exited (Java's output) is printed here, where it is known.
 */
const spawnShared = async (): Promise<DynamoDbLocalProcess> => {
  const local = await spawnDynamoDbLocalProcess()
  local.exitedEarly.catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
  })
  return local
}
