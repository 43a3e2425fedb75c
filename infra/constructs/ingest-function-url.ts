import { Duration } from 'aws-cdk-lib'
import { Metric } from 'aws-cdk-lib/aws-cloudwatch'
import {
  type CfnFunction,
  type FunctionUrl,
  FunctionUrlAuthType,
  InvokeMode,
  type Function as LambdaFunction,
} from 'aws-cdk-lib/aws-lambda'
import { Construct } from 'constructs'
import type { IngestEndpoint } from './ingest-endpoint.js'
import type { IngestEndpointMetrics } from './operations.js'

export type IngestFunctionUrlProps = {
  readonly ingest: LambdaFunction
  /** Ingest instances at once (reserved concurrency): requests beyond them are answered 429. */
  readonly reservedConcurrency: number
}

/**
 * Ingest's own function URL in place of the HTTP API: no charge per request. Public (senders
 * cannot sign AWS requests; ingest checks each route's own signature before anything is queued),
 * buffered, and throttled by ingest's reserved concurrency, since a function URL has no rate
 * limit of its own. It serves `POST /hooks/{route}` only: the dry run needs IAM on one path, which
 * a function URL cannot give, so ingest is not given the table and answers it 404.
 */
export class IngestFunctionUrl extends Construct implements IngestEndpoint {
  readonly url: FunctionUrl
  readonly metrics: IngestEndpointMetrics

  constructor(scope: Construct, id: string, props: IngestFunctionUrlProps) {
    super(scope, id)
    this.url = props.ingest.addFunctionUrl({
      authType: FunctionUrlAuthType.NONE,
      invokeMode: InvokeMode.BUFFERED,
    })
    ;(props.ingest.node.defaultChild as CfnFunction).reservedConcurrentExecutions =
      props.reservedConcurrency

    // Lambda publishes these per function for requests through its URL.
    // (No label on the alarm's metric: a labelled one is written as metric math.)
    const metric = (metricName: string, period: Duration, label?: string) =>
      new Metric({
        namespace: 'AWS/Lambda',
        metricName,
        dimensionsMap: { FunctionName: props.ingest.functionName },
        statistic: 'Sum',
        period,
        ...(label ? { label } : {}),
      })
    const fiveMinutes = Duration.minutes(5)
    this.metrics = {
      serverErrors: (period) => metric('Url5xxCount', period),
      requests: () => metric('UrlRequestCount', fiveMinutes, 'requests'),
      clientErrors: () => metric('Url4xxCount', fiveMinutes, '4xx'),
    }
  }

  get baseUrl(): string {
    return this.url.url
  }

  routeUrl(route: string): string {
    return `${this.url.url}hooks/${route}`
  }
}
