import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import { createDynamoDbDeliveryHistory } from '../../shared/delivery/dynamodb-delivery-history.js'
import {
  createHistoryReceipts,
  settledCorrelationStore,
} from '../../shared/delivery/write-receipts.js'
import type { CorrelationStore } from '../../shared/lifecycle/correlation-store.js'
import { createDynamoDbCorrelationStore } from '../../shared/lifecycle/dynamodb-correlation-store.js'

/**
 * The correlation state ingest reads, on DynamoDB, as deliver would start from it (the last write
 * settled by its receipt in the delivery history): the dry run's, and the owner of a Halo ticket
 * event. The ingest handler imports this module on first use only, so webhooks of other senders
 * never load the DynamoDB client.
 */
export const createDryRunStore = (tableName: string): CorrelationStore => {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}))
  return settledCorrelationStore(
    createDynamoDbCorrelationStore({ client, tableName }),
    createHistoryReceipts(createDynamoDbDeliveryHistory({ client, tableName })),
  )
}
