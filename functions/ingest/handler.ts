import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { SQSClient } from '@aws-sdk/client-sqs'
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda'
import { AWS_ENV, METRIC } from '../../shared/aws-env.js'
import { parseEnv } from '../../shared/config/function-env.js'
import { SECRET_CACHE_SETTING } from '../../shared/function-settings.js'
import type { CorrelationStore } from '../../shared/lifecycle/correlation-store.js'
import { createPowertoolsObservability } from '../../shared/powertools-observability.js'
import { createSqsEventQueue } from '../../shared/queue/sqs-event-queue.js'
import { createAwsSecretStore } from '../../shared/secrets/aws-secret-store.js'
import { createIngestEndpoints, type WebhookResult } from './ingest-endpoints.js'
import { answerHttpEvent } from './lambda-http.js'
import { routes } from './routes.js'

const env = await parseEnv(
  {
    [AWS_ENV.queueUrl]: { type: 'url' },
    [AWS_ENV.signingSecretId]: { type: 'text' },
    ...SECRET_CACHE_SETTING,
    /**
     * Set by the stack so the dry run can show the stored state and a Halo ticket event about a
     * ticket no problem owns is ignored at once; without it the dry run is off and every ticket
     * event is queued.
     */
    [AWS_ENV.tableName]: { type: 'text', optional: true },
  },
  process.env,
  'ingest environment',
)

// Built once per cold start and reused by every invocation of this instance.
const observability = createPowertoolsObservability('ingest')
const { logger, count } = observability

// Only rejections are counted here: what is received and enqueued is in the API's (or Lambda's)
// and the queue's own metrics, which cost nothing.
const onResult = ({ status, code }: WebhookResult) => {
  if (status >= 400) count(METRIC.rejected, 1, { code: code ?? String(status) })
}

/**
 * The correlation store ingest reads (the dry run, and the owner of a Halo ticket event): its
 * module and the DynamoDB client load on first use, so other senders' cold starts never pay.
 */
const lazyStore = (tableName: string): CorrelationStore => {
  let store: Promise<CorrelationStore> | undefined
  const load = () =>
    (store ??= import('./dry-run-store.js').then((module) => module.createDryRunStore(tableName)))
  return {
    get: async (route, key) => (await load()).get(route, key),
    put: async (record, expectedVersion) => (await load()).put(record, expectedVersion),
    findByTicket: async (ticketId) => (await load()).findByTicket(ticketId),
    listOpenTickets: async (limit, after) => (await load()).listOpenTickets(limit, after),
    listDue: async (now, limit, routes) => (await load()).listDue(now, limit, routes),
  }
}

const tableName = env[AWS_ENV.tableName]
const store = tableName ? lazyStore(tableName) : undefined
const endpoints = createIngestEndpoints({
  routes,
  queue: createSqsEventQueue(new SQSClient({}), env[AWS_ENV.queueUrl]),
  secrets: createAwsSecretStore({
    client: new SecretsManagerClient({}),
    secretId: env[AWS_ENV.signingSecretId],
    holds: 'routes',
    ttlMs: env[AWS_ENV.secretCacheSeconds] * 1000,
    logger,
  }),
  now: () => new Date(),
  logger,
  onResult,
  ...(store ? { preview: { store }, ticketOwners: store } : {}),
})
/** API Gateway HTTP API (payload v2) and function URL entry point. */
export const handler = async (event: APIGatewayProxyEventV2, context: Context) => {
  observability.addContext(context)
  try {
    return await answerHttpEvent(event, endpoints)
  } finally {
    await observability.flush()
  }
}
