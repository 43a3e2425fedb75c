import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda'
import { AWS_ENV, METRIC } from '../../shared/aws-env.js'
import { parseEnv } from '../../shared/config/function-env.js'
import { deliveryRecordOf } from '../../shared/delivery/delivery-history.js'
import { createDynamoDbDeliveryHistory } from '../../shared/delivery/dynamodb-delivery-history.js'
import {
  type BatchMessage,
  type BatchQueue,
  deliveriesEndBy,
  processBatch,
  type RecordResult,
} from '../../shared/delivery/process-batch.js'
import { createHistoryReceipts } from '../../shared/delivery/write-receipts.js'
import { HALO_FUNCTION_SETTINGS } from '../../shared/function-settings.js'
import { createDynamoDbRateBudget } from '../../shared/halo/dynamodb-rate-budget.js'
import { createHaloCallCounter } from '../../shared/halo/halo-call-counter.js'
import { createHaloClient, type HaloClient } from '../../shared/halo/halo-client.js'
import { haloClientFromSecret } from '../../shared/halo/halo-client-from-secret.js'
import {
  createHaloDirectory,
  DIRECTORY_TTL_MS,
  type HaloDirectory,
} from '../../shared/halo/halo-directory.js'
import { createDynamoDbCorrelationStore } from '../../shared/lifecycle/dynamodb-correlation-store.js'
import type { Logger } from '../../shared/observability.js'
import type { ResolveAtSourceFn } from '../../shared/outbound/resolve-at-source.js'
import { createPowertoolsObservability } from '../../shared/powertools-observability.js'
import { type SqsBatchMessage, sqsBatchMessage } from '../../shared/queue/sqs-batch-message.js'
import { createAwsSecretStore } from '../../shared/secrets/aws-secret-store.js'
import { deliverEvent } from './deliver-event.js'
import { routes } from './routes.js'

const env = await parseEnv(
  {
    [AWS_ENV.queueUrl]: { type: 'url' },
    [AWS_ENV.deadLetterQueueUrl]: { type: 'url' },
    ...HALO_FUNCTION_SETTINGS,
    [AWS_ENV.maxReceiveCount]: { type: 'int', min: 1, optional: true },
    [AWS_ENV.queueRetentionSeconds]: { type: 'int', min: 60, optional: true },
    [AWS_ENV.deliveryHistory]: { type: 'enum', values: ['all', 'changes'], default: 'all' },
  },
  process.env,
  'deliver environment',
)

// Built once per cold start and reused by every invocation of this instance.
// Its audit lines name their envelope, one per envelope: at ten per invocation the request id
// would repeat on each; an instance runs one invocation at a time, so its lines follow each
// other in the instance's log stream. Warnings and errors keep it.
const observability = createPowertoolsObservability('deliver', { requestIdLines: 'warnings' })
const { logger, count } = observability
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
})
const secrets = createAwsSecretStore({
  client: new SecretsManagerClient({}),
  secretId: env[AWS_ENV.haloSecretId],
  holds: 'halo',
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
const history = createDynamoDbDeliveryHistory({
  client: documents,
  tableName: env[AWS_ENV.tableName],
})
// A delivered envelope's history item is the receipt of its Halo write (see write-receipts.ts).
const receipts = createHistoryReceipts(history)
const counter = createHaloCallCounter()
// The SQS client loads when a record is first deferred or parked: deliveries need none.
let sqsQueue: Promise<BatchQueue<SqsBatchMessage>> | undefined
const loadQueue = () =>
  (sqsQueue ??= import('./sqs-queue.js').then(({ createQueue }) =>
    createQueue({
      queueUrl: env[AWS_ENV.queueUrl],
      deadLetterQueueUrl: env[AWS_ENV.deadLetterQueueUrl],
      logger,
    }),
  ))
const queue: BatchQueue<SqsBatchMessage> = {
  complete: async () => {}, // Lambda deletes every record not reported failed
  defer: async (messages, delayMs) => {
    if (messages.length) await (await loadQueue()).defer(messages, delayMs)
  },
  park: async (message, failure) => (await loadQueue()).park(message, failure),
}

// When this invocation's Halo calls must be over; set per invocation, read by every call.
let haloCallsEndBy: number | undefined

// Resolving at the source loads on a technician's close, the first time one needs telling.
// Credentials are read from the secret on every call (its cache above), so a rotation needs no
// cold start; Datto RMM tokens are kept across invocations of this instance.
let resolver: Promise<ResolveAtSourceFn> | undefined
const resolveAtSource: ResolveAtSourceFn = async (...call) => {
  resolver ??= import('../../shared/outbound/resolve-at-source.js').then(
    ({ createResolveAtSource }) => createResolveAtSource({ secrets }),
  )
  return (await resolver)(...call)
}

const haloClient = haloClientFromSecret(
  env[AWS_ENV.haloBaseUrl],
  secrets,
  (credentials): { client: HaloClient; directory: HaloDirectory } => {
    const client = createHaloClient({
      ...credentials,
      tenant: env[AWS_ENV.haloTenant],
      budget,
      counter,
      // Nothing waits where it is billed: a call waits a moment for the budget at most, and a
      // longer wait defers the message to its place in the budget's line.
      maxAttempts: 3,
      maxWaitMs: 1_000,
      endBy: () => haloCallsEndBy,
    })
    return { client, directory: createHaloDirectory(client, { ttlMs: DIRECTORY_TTL_MS }) }
  },
)

const deliver = async (body: unknown, recordLogger: Logger) => {
  const { client: halo, directory } = await haloClient()
  return deliverEvent(body, {
    routes,
    halo,
    directory,
    store: correlations,
    resolveAtSource,
    receipts,
    logger: recordLogger,
    now: () => new Date(),
  })
}

/**
 * Halo requests a record usually makes (a look-up and a create, a note, a recheck and a close:
 * 1.7 to 2 per event in `npm run bench -- cost`), so a batch leases its budget in about one write.
 */
const HALO_REQUESTS_PER_RECORD = 2

const seconds = (value: number | undefined) => (value === undefined ? undefined : value * 1000)

// What is done is in the queue's own metrics (messages deleted); what waits or is parked is
// counted when it happens.
const RESULT_METRIC: Record<RecordResult['kind'], string | undefined> = {
  done: undefined,
  deferred: METRIC.deferred,
  held: METRIC.deferred,
  parked: METRIC.parked,
  failed: undefined,
}

// History writes of this invocation: awaited before it ends (a frozen Lambda writes nothing).
const historyWrites: Promise<void>[] = []

/** Outcomes the history keeps under `deliveryHistory: changes`. */
const CHANGES = new Set(['delivered', 'parked', 'failed'])

const onResult = (result: RecordResult, message: BatchMessage) => {
  const metric = RESULT_METRIC[result.kind]
  if (metric) count(metric)
  const entry = deliveryRecordOf(result, message, new Date())
  if (env[AWS_ENV.deliveryHistory] === 'changes' && !CHANGES.has(entry.outcome)) return
  // One put per result, beside the audit line. A failed write loses a page row, not a delivery:
  // without the receipt, the next delivery of the problem asks Halo instead.
  historyWrites.push(
    history.record(entry).catch((error: unknown) => {
      logger.warn('delivery history not written', { envelopeId: message.correlationId, error })
    }),
  )
}

/**
 * A record as a batch message whose body is parsed once, when it is a JSON object: the batch,
 * the delivery and the history each read it, and validate it once (`readEnvelope`). Any other
 * body stays text, for deliverEvent to refuse as before.
 */
const batchMessageOf = (record: SQSRecord): SqsBatchMessage => {
  const message = sqsBatchMessage(record)
  try {
    const json: unknown = JSON.parse(record.body)
    return typeof json === 'object' && json !== null ? { ...message, body: json } : message
  } catch {
    return message
  }
}

/** SQS FIFO event source handler: partial batch failures, defer and park (see processBatch). */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  observability.addContext(context)
  counter.reset()
  haloCallsEndBy = deliveriesEndBy(context.getRemainingTimeInMillis(), Date.now())
  budget.expect(event.Records.length * HALO_REQUESTS_PER_RECORD)
  try {
    const unfinished = await processBatch(event.Records.map(batchMessageOf), {
      queue,
      logger,
      deliver: (message, recordLogger) => deliver(message.body, recordLogger),
      onResult,
      remainingMs: () => context.getRemainingTimeInMillis(),
      maxReceives: env[AWS_ENV.maxReceiveCount],
      retentionMs: seconds(env[AWS_ENV.queueRetentionSeconds]),
    })
    return { batchItemFailures: unfinished.map(({ id }) => ({ itemIdentifier: id })) }
  } finally {
    // The next invocation reads the shared budget afresh rather than trust this one's lease.
    budget.endLease()
    await Promise.all(historyWrites.splice(0))
    // One value per request (1: answered 429), so one metric serves the alarm on the 429 share.
    const calls = counter.snapshot()
    for (let sent = 0; sent < calls.sent; sent++) {
      count(METRIC.haloRequests, sent < calls.throttled ? 1 : 0)
    }
    await observability.flush()
  }
}
