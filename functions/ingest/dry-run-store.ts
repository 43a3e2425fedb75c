import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { CorrelationStore } from '../../shared/lifecycle/correlation-store.js'
import { createDynamoDbCorrelationStore } from '../../shared/lifecycle/dynamodb-correlation-store.js'

/**
 * The correlation state the dry run reads, on DynamoDB. The ingest handler imports this module
 * on the first dry run only, so webhooks never load the DynamoDB client.
 */
export const createDryRunStore = (tableName: string): CorrelationStore =>
  createDynamoDbCorrelationStore({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName,
  })
