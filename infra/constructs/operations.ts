import { Annotations, CfnOutput, Duration, Stack } from 'aws-cdk-lib'
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  LogQueryVisualizationType,
  LogQueryWidget,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch'
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions'
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda'
import { type ILogGroup, QueryDefinition, QueryString } from 'aws-cdk-lib/aws-logs'
import { Topic } from 'aws-cdk-lib/aws-sns'
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions'
import type { Queue } from 'aws-cdk-lib/aws-sqs'
import { Construct } from 'constructs'
import { METRIC, METRICS_NAMESPACE } from '../../shared/aws-env.js'
import { DELIVERY_QUERIES } from './delivery-queries.js'

/** What the senders' front door (the HTTP API, or the function URL) reports about requests. */
export type IngestEndpointMetrics = {
  /** Requests answered 5xx, summed over the period given. */
  serverErrors: (period: Duration) => IMetric
  requests: () => IMetric
  clientErrors: () => IMetric
}

export type OperationsProps = {
  readonly queue: Queue
  readonly deadLetterQueue: Queue
  readonly endpoint: IngestEndpointMetrics
  readonly ingest: LambdaFunction
  readonly deliver: LambdaFunction
  /** The deliver function's log group: its audit lines are what the saved queries read. */
  readonly deliverLogGroup: ILogGroup
  /** Alarms are e-mailed here (through an SNS topic) when set. */
  readonly alarmEmail?: string
  /** Oldest message age that raises an alarm. @default 30 minutes */
  readonly maxMessageAge?: Duration
  /** Draw the dashboard ($3 a month beyond an account's first three). @default false */
  readonly dashboard?: boolean
}

const FIVE_MINUTES = Duration.minutes(5)

/**
 * Alarms, always published to one SNS topic (e-mailed when `alarmEmail` is set; without it synth
 * warns and the topic's ARN is an output to subscribe to), saved Logs Insights queries over the
 * deliver audit lines, and, when asked for, one dashboard for the whole pipeline. Each alarm reads
 * one metric (alarms are billed per metric they read).
 */
export class Operations extends Construct {
  readonly alarms: Alarm[]
  readonly topic: Topic
  readonly dashboard: Dashboard | undefined
  readonly queries: QueryDefinition[]

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id)
    const app = (name: string, service: 'ingest' | 'deliver', label: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service },
        statistic: 'Sum',
        period: FIVE_MINUTES,
        label,
      })
    // One value per Halo request, 1 for a 429: SampleCount counts requests, Sum the 429s.
    const halo = (statistic: string, label?: string) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC.haloRequests,
        dimensionsMap: { service: 'deliver' },
        statistic,
        period: FIVE_MINUTES,
        ...(label ? { label } : {}),
      })

    this.alarms = [
      new Alarm(this, 'DeadLetters', {
        alarmDescription:
          'Messages are parked in the DLQ: read their parked_reason, fix, then npm run replay',
        // The first parked message raises it, within the minute SQS reports it.
        metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'OldestMessage', {
        alarmDescription: 'Deliveries are falling behind (Halo down, budget exhausted, or errors)',
        metric: props.queue.metricApproximateAgeOfOldestMessage({
          period: FIVE_MINUTES,
          statistic: 'Maximum',
        }),
        threshold: (props.maxMessageAge ?? Duration.minutes(30)).toSeconds(),
        evaluationPeriods: 2,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'Ingest5xx', {
        alarmDescription: 'Ingest answers 5xx: senders are retrying (queue or secret trouble?)',
        metric: props.endpoint.serverErrors(FIVE_MINUTES),
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'DeliverErrors', {
        alarmDescription: 'The deliver function failed whole invocations (crash or timeout)',
        metric: props.deliver.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      new Alarm(this, 'Halo429Rate', {
        alarmDescription:
          'Over 10% of Halo requests are answered 429: lower budget in the config, or another app shares the API',
        // The Average of the 0/1 values is the share answered 429; no requests, no data. (No
        // label: a labelled metric makes the alarm a metric-math one.)
        metric: halo('Average'),
        threshold: 0.1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    ]

    this.topic = new Topic(this, 'Alarms', { enforceSSL: true })
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(new SnsAction(this.topic))
      alarm.addOkAction(new SnsAction(this.topic))
    }
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.topic.topicArn,
      description: 'Alarms are published here: subscribe an e-mail, a chat webhook or a pager',
    })
    if (props.alarmEmail) {
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail))
    } else {
      Annotations.of(this).addWarningV2(
        'halo-hooks:no-alarm-email',
        'No alarmEmail: the alarms publish to the AlarmTopicArn output but nobody is subscribed. Set deploy.alarmEmail (or -c alarmEmail=...), or subscribe yourself: aws sns subscribe --topic-arn <AlarmTopicArn> --protocol email --notification-endpoint you@example.com',
      )
    }

    // Saved in the console under Logs Insights > Saved queries, in a folder named after the stack.
    const stackName = Stack.of(this).stackName
    this.queries = DELIVERY_QUERIES.map(
      (query) =>
        new QueryDefinition(this, `Query-${query.id}`, {
          queryDefinitionName: `${stackName}/deliveries/${query.id}`,
          queryString: new QueryString(query.query),
          logGroups: [props.deliverLogGroup],
        }),
    )

    this.dashboard = props.dashboard ? this.drawDashboard(props, app, halo) : undefined
  }

  private drawDashboard(
    props: OperationsProps,
    app: (name: string, service: 'ingest' | 'deliver', label: string) => Metric,
    halo: (statistic: string, label?: string) => Metric,
  ): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) })
    dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }),
    )
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Ingest',
        width: 8,
        left: [
          props.endpoint.requests(),
          props.queue.metricNumberOfMessagesSent({ label: 'enqueued', statistic: 'Sum' }),
          new MathExpression({
            expression:
              "SUM(SEARCH('{HaloHooks,service,code} MetricName=\"WebhooksRejected\"', 'Sum', 300))",
            label: 'rejected',
            period: FIVE_MINUTES,
          }),
        ],
      }),
      new GraphWidget({
        title: 'Deliver',
        width: 8,
        left: [
          props.queue.metricNumberOfMessagesDeleted({
            label: 'done (delivered, recorded or parked)',
            statistic: 'Sum',
          }),
          app(METRIC.deferred, 'deliver', 'deferred'),
          app(METRIC.parked, 'deliver', 'parked'),
        ],
      }),
      new GraphWidget({
        title: 'Halo',
        width: 8,
        left: [halo('SampleCount', 'Halo requests'), halo('Sum', 'Halo 429 answers')],
      }),
    )
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Queue',
        width: 8,
        left: [
          props.queue.metricApproximateNumberOfMessagesVisible({ label: 'waiting' }),
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'in DLQ' }),
        ],
        right: [props.queue.metricApproximateAgeOfOldestMessage({ label: 'oldest (s)' })],
      }),
      new GraphWidget({
        title: 'Functions',
        width: 8,
        left: [
          props.ingest.metricErrors({ label: 'ingest errors' }),
          props.deliver.metricErrors({ label: 'deliver errors' }),
          props.deliver.metricThrottles({ label: 'deliver throttles' }),
        ],
        right: [
          props.ingest.metricDuration({ label: 'ingest p99 ms', statistic: 'p99' }),
          props.deliver.metricDuration({ label: 'deliver p99 ms', statistic: 'p99' }),
        ],
      }),
      new GraphWidget({
        title: 'Senders',
        width: 8,
        left: [
          props.endpoint.requests(),
          props.endpoint.clientErrors(),
          props.endpoint.serverErrors(FIVE_MINUTES),
        ],
      }),
    )
    // The same queries on the dashboard, over its time range (each view runs them: Logs
    // Insights bills the data scanned).
    dashboard.addWidgets(
      ...DELIVERY_QUERIES.map(
        (query) =>
          new LogQueryWidget({
            title: query.title,
            logGroupNames: [props.deliverLogGroup.logGroupName],
            queryString: new QueryString(query.query).toString(),
            view: LogQueryVisualizationType.TABLE,
            width: query.width,
            height: 8,
          }),
      ),
    )
    return dashboard
  }
}
