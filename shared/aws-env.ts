/**
 * Environment variable names shared by the stack (which sets them) and the Lambda handlers (which
 * read them once at cold start). Values are never secrets: secrets are referenced by ARN.
 */
export const AWS_ENV = {
  /** URL of the SQS FIFO queue ingest writes to. */
  queueUrl: 'QUEUE_URL',
  /** URL of the dead-letter queue deliver parks messages in. */
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
  /** ARN (or name) of the secret holding the routes' signing secrets: ingest's only secret. */
  signingSecretId: 'SIGNING_SECRET_ID',
  /** ARN (or name) of the secret holding the Halo client credentials: deliver's only secret. */
  haloSecretId: 'HALO_SECRET_ID',
  /** How long a fetched secret is trusted before it is read again, in seconds. */
  secretCacheSeconds: 'SECRET_CACHE_SECONDS',
  /** DynamoDB table holding correlation records and the shared Halo rate budget. */
  tableName: 'STATE_TABLE_NAME',
  /** HaloPSA resource server, e.g. `https://acme.halopsa.com`. */
  haloBaseUrl: 'HALO_BASE_URL',
  /** Hosted Halo tenant name, when the instance needs `?tenant=` on token requests. */
  haloTenant: 'HALO_TENANT',
  /** Halo requests allowed per window, shared by every deliver instance. */
  haloBudgetLimit: 'HALO_BUDGET_LIMIT',
  /** The budget's rolling window, in seconds. */
  haloBudgetWindowSeconds: 'HALO_BUDGET_WINDOW_SECONDS',
  /** The reconcile sweep's `maxTicketsPerSweep` (the config file's, checked at synth). */
  reconcileMaxTickets: 'RECONCILE_MAX_TICKETS',
  /** The reconcile sweep's `maxBudgetShare` (the config file's, checked at synth). */
  reconcileMaxBudgetShare: 'RECONCILE_MAX_BUDGET_SHARE',
  /** Receives before SQS dead-letters a message itself: deliver parks it, with why, before. */
  maxReceiveCount: 'MAX_RECEIVE_COUNT',
  /** How long the queue keeps a message, in seconds: deliver parks one before it expires. */
  queueRetentionSeconds: 'QUEUE_RETENTION_SECONDS',
  /** Which outcomes deliver keeps in the delivery history: `all`, or only `changes`. */
  deliveryHistory: 'DELIVERY_HISTORY',
} as const

export type AwsEnvName = (typeof AWS_ENV)[keyof typeof AWS_ENV]

/** Powertools metric namespace used by both functions and the dashboard and alarms. */
export const METRICS_NAMESPACE = 'HaloHooks'

/**
 * The metric names the functions emit (EMF) and the stack's alarms and dashboard read. Each
 * custom metric published in an hour is billed for that hour, so only what an alarm needs is
 * published on every invocation (`HaloRequests`); the others are published when they happen.
 * What is received, enqueued and done is in AWS's own metrics (API Gateway or Lambda, SQS).
 */
export const METRIC = {
  /** A webhook answered 4xx or 5xx, with its `code` as a dimension. */
  rejected: 'WebhooksRejected',
  /** Envelopes deferred (or held behind one) for a later attempt. */
  deferred: 'EnvelopesDeferred',
  /** Envelopes parked in the dead-letter queue. */
  parked: 'EnvelopesParked',
  /**
   * One value per Halo request: 1 when Halo answered 429, else 0. Its SampleCount is the requests,
   * its Sum the 429s, its Average the share of requests Halo throttled (the Halo429Rate alarm).
   */
  haloRequests: 'HaloRequests',
  /** Open tickets the reconcile sweep read and queued as ticket events (when it queues any). */
  reconciled: 'TicketsReconciled',
  /** Timers the due sweep queued for problems whose due time had come (when it queues any). */
  timersQueued: 'TimersQueued',
} as const

/** Message attributes a parked message carries in the dead-letter queue. */
export const PARKED_ATTRIBUTE = {
  reason: 'parked_reason',
  code: 'parked_code',
  at: 'parked_at',
  receiveCount: 'parked_receive_count',
} as const
