import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb'
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda'

// The minimal equivalent of the deliver function, the cold-start benchmark's baseline: an SQS
// handler with the official Secrets Manager and DynamoDB clients (credentials, one state read,
// one conditional write) and one Halo call by fetch.

const secrets = new SecretsManagerClient({})
const table = DynamoDBDocumentClient.from(new DynamoDBClient({}))
const tableName = process.env.STATE_TABLE_NAME
const haloUrl = process.env.HALO_BASE_URL

let credentials: Promise<{ clientId: string; clientSecret: string }> | undefined
const haloCredentials = () =>
  (credentials ??= secrets
    .send(new GetSecretValueCommand({ SecretId: process.env.HALO_HOOKS_SECRET_ID }))
    .then((result) => JSON.parse(result.SecretString ?? '{}').halo))

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = []
  for (const record of event.Records) {
    try {
      const { clientSecret } = await haloCredentials()
      const envelope = JSON.parse(record.body) as {
        id: string
        route: string
        alert: { key: string; title: string }
      }
      const pk = `${envelope.route}#${envelope.alert.key}`
      const state = await table.send(new GetCommand({ TableName: tableName, Key: { pk } }))
      const response = await fetch(`${haloUrl}/api/Tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${clientSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ summary: envelope.alert.title }]),
      })
      if (!response.ok) throw new Error(`Halo answered ${response.status}`)
      const [ticket] = (await response.json()) as Array<{ id: number }>
      await table.send(
        new PutCommand({
          TableName: tableName,
          Item: { pk, ticketId: ticket?.id, version: Number(state.Item?.version ?? 0) + 1 },
          ConditionExpression: 'attribute_not_exists(pk) OR version = :version',
          ExpressionAttributeValues: { ':version': state.Item?.version ?? 0 },
        }),
      )
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId })
    }
  }
  return { batchItemFailures }
}
