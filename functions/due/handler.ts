import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SQSClient } from '@aws-sdk/client-sqs'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Context } from 'aws-lambda'
import { AWS_ENV, METRIC } from '../../shared/aws-env.js'
import { parseEnv } from '../../shared/config/function-env.js'
import { createDynamoDbCorrelationStore } from '../../shared/lifecycle/dynamodb-correlation-store.js'
import { createPowertoolsObservability } from '../../shared/powertools-observability.js'
import { createSqsEventQueue } from '../../shared/queue/sqs-event-queue.js'
import { type DueSweepReport, runDueSweep } from '../../shared/timers/run-due-sweep.js'
import { routes as configured } from './routes.js'

// The table's due index and the queue: nothing else, no secret (it never calls Halo).
const env = await parseEnv(
  {
    [AWS_ENV.queueUrl]: { type: 'url' },
    [AWS_ENV.tableName]: { type: 'text' },
  },
  process.env,
  'due sweep environment',
)

/** Time kept back at the end of an invocation to queue the last batch and flush metrics. */
const END_MARGIN_MS = 3_000

// Built once per cold start and reused by every invocation of this instance.
const observability = createPowertoolsObservability('due')
const { logger, count } = observability
const routes = new Set(configured.keys())
const store = createDynamoDbCorrelationStore({
  client: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  }),
  tableName: env[AWS_ENV.tableName],
})
const queue = createSqsEventQueue(new SQSClient({}), env[AWS_ENV.queueUrl])

/**
 * The schedule's target: one due sweep (see `runDueSweep`), stopped before the function's time
 * runs out. A failed or missed one is not retried: the next lists the same problems, still first.
 */
export const handler = async (_event: unknown, context: Context): Promise<DueSweepReport> => {
  observability.addContext(context)
  try {
    const report = await runDueSweep({
      store,
      queue,
      routes,
      logger,
      now: () => new Date(),
      deadline: Date.now() + context.getRemainingTimeInMillis() - END_MARGIN_MS,
    })
    if (report.queued > 0) count(METRIC.timersQueued, report.queued)
    return report
  } finally {
    await observability.flush()
  }
}
