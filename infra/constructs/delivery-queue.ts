import { Duration } from 'aws-cdk-lib'
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda'
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources'
import {
  DeduplicationScope,
  FifoThroughputLimit,
  Queue,
  QueueEncryption,
} from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import { AWS_ENV } from '../../shared/aws-env.js'
import { QUEUE_MAX_MESSAGE_BYTES } from '../../shared/payload-limits.js'

export type DeliveryQueueProps = {
  /** Timeout of the consuming function; the visibility timeout is six times it (AWS guidance). */
  readonly consumerTimeout: Duration
  /** Receives before SQS itself moves a message to the DLQ. @default 1000 */
  readonly maxReceiveCount?: number
}

/** How long the queue keeps a message: the most SQS allows. */
const RETENTION = Duration.days(14)

/**
 * The FIFO buffer between ingest and deliver, with its FIFO dead-letter queue: SSE, TLS only,
 * deduplication by message (the envelope id) per group, 14 days in the DLQ, and both pinned to
 * 1 MiB messages (`shared/payload-limits.ts`).
 */
export class DeliveryQueue extends Construct {
  readonly queue: Queue
  readonly deadLetterQueue: Queue
  readonly maxReceiveCount: number

  constructor(scope: Construct, id: string, props: DeliveryQueueProps) {
    super(scope, id)
    this.maxReceiveCount = props.maxReceiveCount ?? 1_000
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      fifo: true,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: RETENTION,
      maxMessageSizeBytes: QUEUE_MAX_MESSAGE_BYTES,
    })
    this.queue = new Queue(this, 'Queue', {
      fifo: true,
      // Deduplication is per envelope id (set by ingest), not by body hash.
      contentBasedDeduplication: false,
      deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
      fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Pinned to what ingest's envelope limit and the body cap are derived from.
      maxMessageSizeBytes: QUEUE_MAX_MESSAGE_BYTES,
      // The most SQS allows: a long Halo outage must not expire messages before they are parked.
      retentionPeriod: RETENTION,
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      deadLetterQueue: {
        queue: this.deadLetterQueue,
        maxReceiveCount: this.maxReceiveCount,
      },
    })
  }

  /** Ingest: may send to the queue, and learns its URL. */
  bindProducer(fn: LambdaFunction): void {
    this.queue.grantSendMessages(fn)
    fn.addEnvironment(AWS_ENV.queueUrl, this.queue.queueUrl)
  }

  /**
   * Deliver: consumes batches with partial batch failures, may change a message's visibility
   * (defer) and send to the DLQ (park), and learns both URLs.
   */
  bindConsumer(fn: LambdaFunction, options: { maxConcurrency: number }): void {
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: options.maxConcurrency,
      }),
    )
    this.deadLetterQueue.grantSendMessages(fn)
    fn.addEnvironment(AWS_ENV.queueUrl, this.queue.queueUrl)
    fn.addEnvironment(AWS_ENV.deadLetterQueueUrl, this.deadLetterQueue.queueUrl)
    // So deliver parks a message, with its reason, before SQS would move or expire it.
    fn.addEnvironment(AWS_ENV.maxReceiveCount, String(this.maxReceiveCount))
    fn.addEnvironment(AWS_ENV.queueRetentionSeconds, String(RETENTION.toSeconds()))
  }
}
