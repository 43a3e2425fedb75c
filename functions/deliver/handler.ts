import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger'
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { SQSClient } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda'
import * as z from 'zod'
import config from '../../halo-hooks.config.js'
import { AWS_ENV, METRIC, METRICS_NAMESPACE } from '../../shared/aws-env.js'
import { compileConfig } from '../../shared/config/compile-config.js'
import { ConfigError, DeployIncompleteError } from '../../shared/errors.js'
import { createDynamoDbRateBudget } from '../../shared/halo/dynamodb-rate-budget.js'
import { createHaloCallCounter } from '../../shared/halo/halo-call-counter.js'
import { createHaloClient, type HaloClient } from '../../shared/halo/halo-client.js'
import {
  createHaloDirectory,
  DIRECTORY_TTL_MS,
  type HaloDirectory,
} from '../../shared/halo/halo-directory.js'
import { createDynamoDbCorrelationStore } from '../../shared/lifecycle/dynamodb-correlation-store.js'
import type { Logger } from '../../shared/observability.js'
import { createAwsSecretStore } from '../../shared/secrets/aws-secret-store.js'
import { deliverEvent } from './deliver-event.js'
import { processSqsBatch, type RecordResult } from './sqs-batch.js'

const EnvSchema = z.object({
  [AWS_ENV.queueUrl]: z.url(),
  [AWS_ENV.deadLetterQueueUrl]: z.url(),
  [AWS_ENV.secretId]: z.string().min(1),
  [AWS_ENV.secretCacheSeconds]: z.coerce.number().int().min(0).default(300),
  [AWS_ENV.tableName]: z.string().min(1),
  [AWS_ENV.haloBaseUrl]: z.url().optional(),
  [AWS_ENV.haloTenant]: z.string().min(1).optional(),
  [AWS_ENV.haloBudgetLimit]: z.coerce.number().int().min(1).default(250),
  [AWS_ENV.haloBudgetWindowSeconds]: z.coerce.number().int().min(1).default(300),
})

const parsed = EnvSchema.safeParse(process.env)
if (!parsed.success) {
  throw new ConfigError(
    'deliver environment is invalid',
    parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
  )
}
const env = parsed.data

// Built once per cold start and reused by every invocation of this instance.
const powertools = new PowertoolsLogger({ serviceName: 'halo-hooks-deliver' })
const logger: Logger = {
  debug: (message, fields) => powertools.debug(message, fields ?? {}),
  info: (message, fields) => powertools.info(message, fields ?? {}),
  warn: (message, fields) => powertools.warn(message, fields ?? {}),
  error: (message, fields) => powertools.error(message, fields ?? {}),
}
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'deliver' })
const { routes } = compileConfig(config, 'halo-hooks.config.ts')
const sqs = new SQSClient({})
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
})
const secrets = createAwsSecretStore({
  client: new SecretsManagerClient({}),
  secretId: env[AWS_ENV.secretId],
  ttlMs: env[AWS_ENV.secretCacheSeconds] * 1000,
  logger,
})
const budget = createDynamoDbRateBudget({
  client: documents,
  tableName: env[AWS_ENV.tableName],
  limit: env[AWS_ENV.haloBudgetLimit],
  windowMs: env[AWS_ENV.haloBudgetWindowSeconds] * 1000,
})
const correlations = createDynamoDbCorrelationStore({
  client: documents,
  tableName: env[AWS_ENV.tableName],
})
const counter = createHaloCallCounter()

// The Halo client holds a token for its credentials: rebuilt only when the secret's change.
let current: { credentials: string; client: HaloClient; directory: HaloDirectory } | undefined
const haloClient = async () => {
  const baseUrl = env[AWS_ENV.haloBaseUrl]
  if (!baseUrl) {
    throw new DeployIncompleteError('no Halo URL is deployed (set deploy.haloUrl and redeploy)')
  }
  const { halo } = await secrets.get()
  if (!halo) {
    throw new DeployIncompleteError('the secret has no Halo credentials yet (halo.clientId/secret)')
  }
  const credentials = JSON.stringify([halo.clientId, halo.clientSecret])
  if (current?.credentials !== credentials) {
    const client = createHaloClient({
      baseUrl,
      clientId: halo.clientId,
      clientSecret: halo.clientSecret,
      tenant: env[AWS_ENV.haloTenant],
      budget,
      counter,
      // Wait in-process only briefly; longer waits are deferrals through the queue.
      maxAttempts: 3,
      maxWaitMs: 20_000,
    })
    const directory = createHaloDirectory(client, { ttlMs: DIRECTORY_TTL_MS })
    current = { credentials, client, directory }
  }
  return current
}

const deliver = async (body: string, recordLogger: Logger) => {
  const { client: halo, directory } = await haloClient()
  return deliverEvent(body, {
    routes,
    halo,
    directory,
    store: correlations,
    logger: recordLogger,
    now: () => new Date(),
  })
}

const count = (name: string, value = 1) => metrics.addMetric(name, MetricUnit.Count, value)

const onResult = (result: RecordResult) => {
  switch (result.kind) {
    case 'done': {
      const outcome = (result.outcome as { outcome?: unknown } | undefined)?.outcome
      count(
        typeof outcome === 'string' && /dup/.test(outcome) ? METRIC.deduplicated : METRIC.delivered,
      )
      return
    }
    case 'deferred':
    case 'held':
      count(METRIC.deferred)
      return
    case 'parked':
      count(METRIC.parked)
      return
    case 'failed':
      return
  }
}

/** SQS FIFO event source handler: partial batch failures, defer and park (see sqs-batch.ts). */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  powertools.addContext(context)
  counter.reset()
  try {
    return await processSqsBatch(event, {
      sqs,
      queueUrl: env[AWS_ENV.queueUrl],
      deadLetterQueueUrl: env[AWS_ENV.deadLetterQueueUrl],
      logger,
      deliver,
      onResult,
      remainingMs: () => context.getRemainingTimeInMillis(),
    })
  } finally {
    const calls = counter.snapshot()
    const throttled = Object.values(calls.byEndpoint).reduce(
      (sum, outcomes) => sum + (outcomes['429'] ?? 0),
      0,
    )
    count(METRIC.haloRequests, calls.sent)
    count(METRIC.halo429, throttled)
    metrics.publishStoredMetrics()
  }
}
