import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger'
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { SQSClient } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda'
import { handle, type LambdaEvent } from 'hono/aws-lambda'
import * as z from 'zod'
import config from '../../halo-hooks.config.js'
import { AWS_ENV, METRIC, METRICS_NAMESPACE } from '../../shared/aws-env.js'
import { compileConfig } from '../../shared/config/compile-config.js'
import { ConfigError } from '../../shared/errors.js'
import { createDynamoDbCorrelationStore } from '../../shared/lifecycle/dynamodb-correlation-store.js'
import type { Logger } from '../../shared/observability.js'
import { createSqsEventQueue } from '../../shared/queue/sqs-event-queue.js'
import { createAwsSecretStore } from '../../shared/secrets/aws-secret-store.js'
import { createIngestApp } from './app.js'

const EnvSchema = z.object({
  [AWS_ENV.queueUrl]: z.url(),
  [AWS_ENV.secretId]: z.string().min(1),
  [AWS_ENV.secretCacheSeconds]: z.coerce.number().int().min(0).default(300),
  /** Set by the stack so the dry run can show the stored state; without it the dry run is off. */
  [AWS_ENV.tableName]: z.string().min(1).optional(),
})

const parsed = EnvSchema.safeParse(process.env)
if (!parsed.success) {
  throw new ConfigError(
    'ingest environment is invalid',
    parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
  )
}
const env = parsed.data

// Built once per cold start and reused by every invocation of this instance.
const powertools = new PowertoolsLogger({ serviceName: 'halo-hooks-ingest' })
const logger: Logger = {
  debug: (message, fields) => powertools.debug(message, fields ?? {}),
  info: (message, fields) => powertools.info(message, fields ?? {}),
  warn: (message, fields) => powertools.warn(message, fields ?? {}),
  error: (message, fields) => powertools.error(message, fields ?? {}),
}
const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'ingest' })
const { routes } = compileConfig(config, 'halo-hooks.config.ts')
const tableName = env[AWS_ENV.tableName]
const app = createIngestApp({
  routes,
  queue: createSqsEventQueue(new SQSClient({}), env[AWS_ENV.queueUrl]),
  secrets: createAwsSecretStore({
    client: new SecretsManagerClient({}),
    secretId: env[AWS_ENV.secretId],
    ttlMs: env[AWS_ENV.secretCacheSeconds] * 1000,
    logger,
  }),
  now: () => new Date(),
  logger,
  ...(tableName
    ? {
        preview: {
          store: createDynamoDbCorrelationStore({
            client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
            tableName,
          }),
        },
      }
    : {}),
})
// hono/aws-lambda decodes `isBase64Encoded` bodies to the exact bytes before the app (and so
// the signature check) sees them.
const serve = handle(app)

/**
 * A named HTTP API stage puts its name in front of `rawPath` (`/prod/hooks/x`); the app's routes
 * start at `/hooks`, so the stage prefix is removed. The `$default` stage has none.
 */
const withoutStage = (event: APIGatewayProxyEventV2): APIGatewayProxyEventV2 => {
  const stage = event.requestContext?.stage
  if (!stage || stage === '$default') return event
  const prefix = `/${stage}`
  if (event.rawPath !== prefix && !event.rawPath.startsWith(`${prefix}/`)) return event
  return { ...event, rawPath: event.rawPath.slice(prefix.length) || '/' }
}

type LambdaResult = Awaited<ReturnType<typeof serve>>

const recordMetrics = (path: string, response: LambdaResult) => {
  if (!path.startsWith('/hooks/')) return
  metrics.addMetric(METRIC.received, MetricUnit.Count, 1)
  let body: { error?: unknown; accepted?: unknown } = {}
  try {
    body = response.isBase64Encoded ? {} : JSON.parse(response.body)
  } catch {
    // handshake answers need not be JSON
  }
  if (response.statusCode >= 400) {
    metrics
      .singleMetric()
      .addDimension(
        'code',
        typeof body.error === 'string' ? body.error : String(response.statusCode),
      )
      .addMetric(METRIC.rejected, MetricUnit.Count, 1)
  } else if (typeof body.accepted === 'number') {
    metrics.addMetric(METRIC.enqueued, MetricUnit.Count, body.accepted)
  }
}

/** API Gateway HTTP API (payload v2) entry point. */
export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Context,
): Promise<LambdaResult> => {
  powertools.addContext(context)
  const routed = withoutStage(event)
  // Hono's event type and @types/aws-lambda differ only in how optional `body` is declared.
  const response = await serve(routed as unknown as LambdaEvent, context)
  recordMetrics(routed.rawPath, response)
  metrics.publishStoredMetrics()
  return response
}
