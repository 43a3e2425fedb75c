import { Annotations, CfnOutput, Duration, Stack } from 'aws-cdk-lib'
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2'
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
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

export type OperationsProps = {
  readonly queue: Queue
  readonly deadLetterQueue: Queue
  readonly stage: HttpStage
  readonly ingest: LambdaFunction
  readonly deliver: LambdaFunction
  /** The deliver function's log group: its audit lines are what the saved queries read. */
  readonly deliverLogGroup: ILogGroup
  /** Alarms are e-mailed here (through an SNS topic) when set. */
  readonly alarmEmail?: string
  /** Oldest message age that raises an alarm. @default 30 minutes */
  readonly maxMessageAge?: Duration
}

const FIVE_MINUTES = Duration.minutes(5)

/**
 * Alarms, always published to one SNS topic (e-mailed when `alarmEmail` is set; without it synth
 * warns and the topic's ARN is an output to subscribe to), saved Logs Insights queries over the
 * deliver audit lines, and one dashboard for the whole pipeline.
 */
export class Operations extends Construct {
  readonly alarms: Alarm[]
  readonly topic: Topic
  readonly dashboard: Dashboard
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
    const haloRequests = app(METRIC.haloRequests, 'deliver', 'Halo requests')
    const halo429 = app(METRIC.halo429, 'deliver', 'Halo 429 answers')

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
        metric: props.stage.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
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
        metric: new MathExpression({
          expression: 'IF(requests > 0, throttled / requests, 0)',
          usingMetrics: { requests: haloRequests, throttled: halo429 },
          period: FIVE_MINUTES,
          label: 'share of Halo requests answered 429',
        }),
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

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) })
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 3 }),
    )
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Ingest',
        width: 8,
        left: [
          app(METRIC.received, 'ingest', 'received'),
          app(METRIC.enqueued, 'ingest', 'enqueued'),
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
          app(METRIC.delivered, 'deliver', 'delivered'),
          app(METRIC.deduplicated, 'deliver', 'deduplicated'),
          app(METRIC.deferred, 'deliver', 'deferred'),
          app(METRIC.parked, 'deliver', 'parked'),
        ],
      }),
      new GraphWidget({ title: 'Halo', width: 8, left: [haloRequests, halo429] }),
    )
    this.dashboard.addWidgets(
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
        title: 'API',
        width: 8,
        left: [
          props.stage.metricCount({ label: 'requests' }),
          props.stage.metricClientError({ label: '4xx' }),
          props.stage.metricServerError({ label: '5xx' }),
        ],
      }),
    )
    // The same queries on the dashboard, over its time range (each view runs them: Logs
    // Insights bills the data scanned).
    this.dashboard.addWidgets(
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
  }
}
