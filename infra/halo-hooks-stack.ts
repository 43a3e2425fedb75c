import { Annotations, CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib'
import type { RetentionDays } from 'aws-cdk-lib/aws-logs'
import type { Construct } from 'constructs'
import { AWS_ENV } from '../shared/aws-env.js'
import { DEFAULT_RECONCILE, type Reconcile } from '../shared/config/reconcile-config.js'
import type { RouteData } from '../shared/config/route-data.js'
import { DeliveryQueue } from './constructs/delivery-queue.js'
import { DueSchedule } from './constructs/due-schedule.js'
import { IngestApi } from './constructs/ingest-api.js'
import type { IngestEndpoint } from './constructs/ingest-endpoint.js'
import { IngestFunctionUrl } from './constructs/ingest-function-url.js'
import { IntegrationSecrets } from './constructs/integration-secrets.js'
import { NodeFunction } from './constructs/node-function.js'
import { Operations } from './constructs/operations.js'
import { ReconcileSchedule } from './constructs/reconcile-schedule.js'
import { StateTable } from './constructs/state-table.js'
import type { DeploySettings } from './settings.js'

export type HaloHooksStackProps = StackProps & {
  readonly settings: DeploySettings
  /** Names of the configured routes; each gets a URL output. */
  readonly routes: readonly string[]
  /** What each function's bundle carries of the config, checked at synth (`routeDataOf`). */
  readonly routeData: Readonly<Record<'ingest' | 'deliver', Readonly<Record<string, RouteData>>>>
  /** The project root (lockfile, handlers, config file). */
  readonly projectRoot: string
  /** The reconcile sweep (the config file's `reconcile`). @default every 10 min, on */
  readonly reconcile?: Reconcile
  /**
   * Whether some route's policies keep deadlines (`routeNeedsTimers`), so the due sweep and its
   * schedule are deployed. @default false
   */
  readonly timers?: boolean
  /**
   * Whether some route's sender may call with GET (heartbeat pings from a URL), so the HTTP API
   * routes GET `/hooks/{route}` to ingest too. @default false
   */
  readonly hooksByGet?: boolean
}

const outputId = (route: string) =>
  `RouteUrl${route.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())}`

/** The whole deployment: HTTP API (or a function URL) → ingest → SQS FIFO → deliver → Halo, with state and alarms. */
export class HaloHooksStack extends Stack {
  readonly ingest: NodeFunction
  readonly deliver: NodeFunction
  readonly queue: DeliveryQueue
  readonly table: StateTable
  readonly secrets: IntegrationSecrets
  /** The HTTP API, unless `deploy.endpoint` is `function-url`. */
  readonly api: IngestApi | undefined
  readonly endpoint: IngestEndpoint
  readonly operations: Operations
  /** Undefined when the config file turns the sweep off. */
  readonly reconcile: ReconcileSchedule | undefined
  /** Undefined when no route keeps deadlines. */
  readonly due: DueSchedule | undefined

  constructor(scope: Construct, id: string, props: HaloHooksStackProps) {
    super(scope, id, props)
    const { settings } = props
    const logRetention = settings.logRetentionDays as RetentionDays
    const workerTimeout = Duration.seconds(settings.workerTimeoutSeconds)

    // Memory chosen by measurement (npm run bench, "Cost"): both fit with room to spare, and
    // each second spent waiting (for SQS, DynamoDB, Halo) is billed by the MB. Ingest mostly
    // computes (an HMAC, a parse): 128 MB. Deliver mostly waits for Halo, but holds batches of up
    // to ten envelopes: 256 MB.
    this.ingest = new NodeFunction(this, 'Ingest', {
      function: 'ingest',
      routes: props.routeData.ingest,
      sourceMaps: settings.sourceMaps,
      serviceName: 'halo-hooks-ingest',
      memorySize: 128,
      timeout: Duration.seconds(10),
      logRetention,
      projectRoot: props.projectRoot,
    })
    this.deliver = new NodeFunction(this, 'Deliver', {
      function: 'deliver',
      routes: props.routeData.deliver,
      sourceMaps: settings.sourceMaps,
      serviceName: 'halo-hooks-deliver',
      memorySize: 256,
      timeout: workerTimeout,
      logRetention,
      projectRoot: props.projectRoot,
    })

    this.queue = new DeliveryQueue(this, 'Delivery', {
      consumerTimeout: workerTimeout,
      maxReceiveCount: settings.maxReceiveCount,
    })
    this.queue.bindProducer(this.ingest.fn)
    this.queue.bindConsumer(this.deliver.fn, { maxConcurrency: settings.maxConcurrency })

    this.table = new StateTable(this, 'State')
    this.table.bindReadWrite(this.deliver.fn)
    // The dry run and the owner of a Halo ticket event read the correlation state. Only behind
    // the HTTP API: a public function URL would serve the dry run to anyone, so there ingest has
    // no table, and deliver alone decides whether a ticket event is about a ticket we own.
    if (settings.endpoint === 'http-api') this.table.bindReader(this.ingest.fn)

    // Each function reads only its own secret: the internet-facing ingest never holds Halo's.
    this.secrets = new IntegrationSecrets(this, 'Secrets', {
      existingSigningSecretName: settings.secretName,
      existingHaloSecretName: settings.haloSecretName,
    })
    this.secrets.signing.bindReader(this.ingest.fn)
    this.secrets.halo.bindReader(this.deliver.fn)

    const reconcile = props.reconcile ?? DEFAULT_RECONCILE
    this.reconcile = reconcile.enabled
      ? new ReconcileSchedule(this, 'Reconcile', {
          reconcile,
          routes: props.routeData.deliver,
          sourceMaps: settings.sourceMaps,
          logRetention,
          projectRoot: props.projectRoot,
        })
      : undefined
    const sweep = this.reconcile?.sweep.fn
    if (sweep) {
      this.queue.bindProducer(sweep)
      this.table.bindSweeper(sweep)
      this.secrets.halo.bindReader(sweep)
    }
    this.due = props.timers
      ? new DueSchedule(this, 'Due', {
          routes: props.routeData.deliver,
          sourceMaps: settings.sourceMaps,
          logRetention,
          projectRoot: props.projectRoot,
        })
      : undefined
    if (this.due) {
      this.queue.bindProducer(this.due.sweep.fn)
      this.table.bindDueSweeper(this.due.sweep.fn)
    }

    // Every function that calls Halo: where it is, and the budget they share.
    const haloCallers = sweep ? [this.deliver.fn, sweep] : [this.deliver.fn]

    if (!settings.haloUrl) {
      Annotations.of(this).addWarningV2(
        'halo-hooks:no-halo-url',
        'No Halo URL: deliveries wait in the queue until deploy.haloUrl (or -c haloUrl=...) is set and deployed',
      )
    }
    for (const fn of haloCallers) {
      if (settings.haloUrl) fn.addEnvironment(AWS_ENV.haloBaseUrl, settings.haloUrl)
      if (settings.haloTenant) fn.addEnvironment(AWS_ENV.haloTenant, settings.haloTenant)
      fn.addEnvironment(AWS_ENV.haloBudgetLimit, String(settings.budget.limit))
      fn.addEnvironment(AWS_ENV.haloBudgetWindowSeconds, String(settings.budget.windowSeconds))
    }
    this.deliver.fn.addEnvironment(AWS_ENV.deliveryHistory, settings.deliveryHistory)

    if (settings.endpoint === 'http-api') {
      this.api = new IngestApi(this, 'Http', {
        ingest: this.ingest.fn,
        stageName: settings.stageName,
        throttle: settings.throttle,
        logRetention,
        hooksByGet: props.hooksByGet ?? false,
      })
      this.endpoint = this.api
    } else {
      this.endpoint = new IngestFunctionUrl(this, 'Url', {
        ingest: this.ingest.fn,
        reservedConcurrency: settings.ingestConcurrency,
      })
    }

    this.operations = new Operations(this, 'Operations', {
      queue: this.queue.queue,
      deadLetterQueue: this.queue.deadLetterQueue,
      endpoint: this.endpoint.metrics,
      dashboard: settings.dashboard,
      ingest: this.ingest.fn,
      deliver: this.deliver.fn,
      deliverLogGroup: this.deliver.logGroup,
      alarmEmail: settings.alarmEmail,
    })

    new CfnOutput(this, 'BaseUrl', { value: this.endpoint.baseUrl, description: 'API root' })
    for (const route of props.routes) {
      new CfnOutput(this, outputId(route), {
        value: this.endpoint.routeUrl(route),
        description: `POST webhooks for route "${route}" here`,
      })
    }
    new CfnOutput(this, 'SigningSecretId', {
      value: this.secrets.signing.secretId,
      description: "Put the routes' signing secrets here (npm run secrets)",
    })
    new CfnOutput(this, 'HaloSecretId', {
      value: this.secrets.halo.secretId,
      description: 'Put the Halo API credentials here (npm run secrets)',
    })
    new CfnOutput(this, 'QueueUrl', { value: this.queue.queue.queueUrl })
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.queue.deadLetterQueue.queueUrl })
    if (this.operations.dashboard) {
      new CfnOutput(this, 'DashboardName', { value: this.operations.dashboard.dashboardName })
    }
    new CfnOutput(this, 'StateTableName', {
      value: this.table.table.tableName,
      description: 'Correlation state and delivery history (npm run deliveries -- --table <this>)',
    })
  }
}
