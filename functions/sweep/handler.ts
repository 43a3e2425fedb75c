import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { SQSClient } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Context } from 'aws-lambda'
import { AWS_ENV, METRIC } from '../../shared/aws-env.js'
import { parseEnv } from '../../shared/config/function-env.js'
import { ReconcileSchema } from '../../shared/config/reconcile-config.js'
import { HALO_FUNCTION_SETTINGS } from '../../shared/function-settings.js'
import { createDynamoDbRateBudget } from '../../shared/halo/dynamodb-rate-budget.js'
import { createHaloCallCounter } from '../../shared/halo/halo-call-counter.js'
import { createHaloClient } from '../../shared/halo/halo-client.js'
import { haloClientFromSecret } from '../../shared/halo/halo-client-from-secret.js'
import { createDynamoDbCorrelationStore } from '../../shared/lifecycle/dynamodb-correlation-store.js'
import { createPowertoolsObservability } from '../../shared/powertools-observability.js'
import { createSqsEventQueue } from '../../shared/queue/sqs-event-queue.js'
import { createDynamoDbSweepCursor } from '../../shared/reconcile/dynamodb-sweep-cursor.js'
import { runSweep, type SweepReport } from '../../shared/reconcile/run-sweep.js'
import { sweepPace } from '../../shared/reconcile/sweep-pace.js'
import { createAwsSecretStore } from '../../shared/secrets/aws-secret-store.js'
import { routes as configured } from './routes.js'

const env = await parseEnv(
  {
    [AWS_ENV.queueUrl]: { type: 'url' },
    ...HALO_FUNCTION_SETTINGS,
    [AWS_ENV.reconcileMaxTickets]: { type: 'number', optional: true },
    [AWS_ENV.reconcileMaxBudgetShare]: { type: 'number', optional: true },
  },
  process.env,
  'sweep environment',
)

/** Time kept back at the end of an invocation to queue the last read and flush metrics. */
const END_MARGIN_MS = 5_000

// Built once per cold start and reused by every invocation of this instance.
const observability = createPowertoolsObservability('sweep')
const { logger, count } = observability
// The stack sets these from the config file's `reconcile`, checked at synth.
const reconcile = ReconcileSchema.parse({
  maxTicketsPerSweep: env[AWS_ENV.reconcileMaxTickets],
  maxBudgetShare: env[AWS_ENV.reconcileMaxBudgetShare],
})
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
})
const tableName = env[AWS_ENV.tableName]
const limit = env[AWS_ENV.haloBudgetLimit]
const budget = createDynamoDbRateBudget({
  client: documents,
  tableName,
  limit,
  windowMs: env[AWS_ENV.haloBudgetWindowSeconds] * 1000,
  sweepShare: reconcile.maxBudgetShare,
})
const store = createDynamoDbCorrelationStore({ client: documents, tableName })
const cursor = createDynamoDbSweepCursor({ client: documents, tableName })
const queue = createSqsEventQueue(new SQSClient({}), env[AWS_ENV.queueUrl])
const secrets = createAwsSecretStore({
  client: new SecretsManagerClient({}),
  secretId: env[AWS_ENV.haloSecretId],
  holds: 'halo',
  ttlMs: env[AWS_ENV.secretCacheSeconds] * 1000,
  logger,
})
const counter = createHaloCallCounter()
const pace = sweepPace(reconcile, { limit })

const haloClient = haloClientFromSecret(env[AWS_ENV.haloBaseUrl], secrets, (credentials) =>
  createHaloClient({
    ...credentials,
    tenant: env[AWS_ENV.haloTenant],
    budget,
    counter,
    // A sweep read never waits for the budget (its lane refuses at once); this bounds the token
    // request and a retry after a 5xx.
    maxAttempts: 2,
    maxWaitMs: 1_000,
  }),
)

/**
 * The schedule's target: one reconcile sweep (see `runSweep`), stopped before the function's
 * time runs out. It never sleeps: a full budget lane ends it, and the next scheduled sweep
 * starts again from the least recently checked tickets.
 */
export const handler = async (_event: unknown, context: Context): Promise<SweepReport> => {
  observability.addContext(context)
  counter.reset()
  try {
    const report = await runSweep(pace, {
      store,
      halo: await haloClient(),
      queue,
      cursor,
      routes: configured,
      logger,
      now: () => new Date(),
      deadline: Date.now() + context.getRemainingTimeInMillis() - END_MARGIN_MS,
    })
    if (report.queued > 0) count(METRIC.reconciled, report.queued)
    return report
  } finally {
    // One value per request (1: answered 429), as deliver counts them for the 429 alarm.
    const calls = counter.snapshot()
    for (let sent = 0; sent < calls.sent; sent++) {
      count(METRIC.haloRequests, sent < calls.throttled ? 1 : 0)
    }
    await observability.flush()
  }
}
