import type { TestProject } from 'vitest/node'
import { launchDynamoDbLocal } from './dynamodb-local.js'

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbLocalEndpoint: string
  }
}

/**
 * The integration project's global setup: one DynamoDB Local for the whole run (it takes seconds
 * of CPU to start), shared by every file through `startDynamoDbLocal`.
 */
export default async function setup(project: TestProject) {
  const local = await launchDynamoDbLocal()
  project.provide('dynamoDbLocalEndpoint', local.endpoint)
  return () => local.stop()
}
