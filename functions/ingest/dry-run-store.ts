import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { CorrelationStore } from '../../shared/lifecycle/correlation-store.js'
import { createDynamoDbCorrelationStore } from '../../shared/lifecycle/dynamodb-correlation-store.js'

/**
 * The correlation state ingest reads, on DynamoDB: the dry run's, and the owner of a Halo ticket
 * event. The ingest handler imports this module on first use only, so webhooks of other senders
 * never load the DynamoDB client.
 */
export const createDryRunStore = (tableName: string): CorrelationStore =>
  createDynamoDbCorrelationStore({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName,
  })
