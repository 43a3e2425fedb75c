import { RemovalPolicy, Validations } from 'aws-cdk-lib'
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway'
import {
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2'
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers'
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations'
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda'
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs'
import { Construct } from 'constructs'
import type { IngestEndpoint } from './ingest-endpoint.js'
import type { IngestEndpointMetrics } from './operations.js'

export type IngestApiProps = {
  readonly ingest: LambdaFunction
  /** `$default` serves at the API root; another name prefixes every path. */
  readonly stageName: string
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number }
  readonly logRetention: RetentionDays
  /**
   * Route GET `/hooks/{route}` to ingest as well, for senders that can only call a URL
   * (heartbeat pings); ingest still answers 405 on any route whose sender does not take GET.
   * @default false
   */
  readonly hooksByGet?: boolean
}

// One JSON line per request; $context variables of HTTP APIs. No headers, bodies or query strings
// (they may carry signatures or tokens).
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  length: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
  iamCaller: '$context.identity.caller',
})

/**
 * The public HTTP API: `POST /hooks/{route}` for senders (authenticated by the route's own
 * signature inside ingest), and `POST /dry-run/{route}` for operators, authorised by IAM (SigV4).
 * One stage with JSON access logs and throttling.
 */
export class IngestApi extends Construct implements IngestEndpoint {
  readonly api: HttpApi
  readonly stage: HttpStage
  readonly accessLogs: LogGroup
  readonly metrics: IngestEndpointMetrics

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id)
    this.api = new HttpApi(this, 'Api', {
      description: 'halo-hooks: webhooks in, HaloPSA tickets out',
      createDefaultStage: false,
    })
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    })
    this.stage = new HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: props.stageName,
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    })
    const integration = new HttpLambdaIntegration('Ingest', props.ingest)
    const hooks = this.api.addRoutes({
      path: '/hooks/{route}',
      methods: props.hooksByGet ? [HttpMethod.POST, HttpMethod.GET] : [HttpMethod.POST],
      integration,
    })
    for (const route of hooks) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason:
          'Webhook senders (Alertmanager, GitHub, Datto RMM...) cannot sign AWS requests or fetch ' +
          "tokens; each request is authenticated inside ingest by the route's own scheme (HMAC over " +
          'the exact body, bearer/basic/header secret from Secrets Manager), constant-time, fail ' +
          'closed (no secret configured: 5xx, nothing queued), before anything is enqueued. ' +
          'Throttling and the per-route body-size cap bound unauthenticated load.',
      })
    }
    const stage = this.stage
    this.metrics = {
      serverErrors: (period) => stage.metricServerError({ period, statistic: 'Sum' }),
      requests: () => stage.metricCount({ label: 'requests' }),
      clientErrors: () => stage.metricClientError({ label: '4xx' }),
    }
    this.api.addRoutes({
      path: '/dry-run/{route}',
      methods: [HttpMethod.POST],
      integration,
      authorizer: new HttpIamAuthorizer(),
    })
  }

  /** The stage's root URL, ending in `/`. */
  get baseUrl(): string {
    return this.stage.url
  }

  /** Where a sender posts a route's webhooks. */
  routeUrl(route: string): string {
    return `${this.stage.url}hooks/${route}`
  }
}
