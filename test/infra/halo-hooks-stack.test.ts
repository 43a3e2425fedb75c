import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { App, Validations } from 'aws-cdk-lib'
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions'
import { Queue } from 'aws-cdk-lib/aws-sqs'
import { AwsSolutionsChecks } from 'cdk-nag'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../infra/app.js'
import { HaloHooksStack } from '../../infra/halo-hooks-stack.js'
import { resolveDeploySettings } from '../../infra/settings.js'
import { AWS_ENV } from '../../shared/aws-env.js'
import { DEFAULT_RECONCILE } from '../../shared/config/reconcile-config.js'
import { sources } from '../../shared/sources/registry.js'
import { ROOT } from '../support/aws/bundle-handler.js'

const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] }

const synthesized = new Map<string, { stack: HaloHooksStack; template: Template }>()

/**
 * The stack with `context` and its template, synthesized once for the tests that only read them
 * (a synth is a third of a second of CPU).
 */
const synth = (context: Record<string, unknown> = {}) => {
  const key = JSON.stringify(context)
  const known = synthesized.get(key)
  if (known) return known
  const { stack } = createApp(new App({ context: { ...NO_BUNDLING, ...context } }))
  const result = { stack, template: Template.fromStack(stack) }
  synthesized.set(key, result)
  return result
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>

/** The logical id a CloudFormation value points at (Ref / GetAtt), or its literal text. */
const target = (value: unknown): string => {
  if (typeof value === 'string') return value
  const v = value as Record<string, unknown>
  if (v.Ref) return String(v.Ref)
  if (v['Fn::GetAtt']) return String((v['Fn::GetAtt'] as unknown[])[0])
  if (v['Fn::Join']) {
    const parts = (v['Fn::Join'] as [string, unknown[]])[1]
    return parts.map((part) => (typeof part === 'string' ? part : `{${target(part)}}`)).join('')
  }
  return JSON.stringify(value)
}

/** Every `action → resource` a role may perform, from all policies attached to it. */
const grantsOf = (template: Template, roleLogicalIdPrefix: string): string[] => {
  const resources = template.toJSON().Resources as Resources
  const grants: string[] = []
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue
    const roles = ((resource.Properties?.Roles ?? []) as unknown[]).map(target)
    if (!roles.some((role) => role.startsWith(roleLogicalIdPrefix))) continue
    const document = resource.Properties?.PolicyDocument as {
      Statement: Array<{ Effect: string; Action: string | string[]; Resource: unknown }>
    }
    for (const statement of document.Statement) {
      expect(statement.Effect).toBe('Allow')
      const actions = [statement.Action].flat()
      const targets = [statement.Resource].flat().map(target)
      for (const action of actions) for (const to of targets) grants.push(`${action} → ${to}`)
    }
  }
  return grants.sort()
}

const logicalId = (template: Template, type: string, props: Record<string, unknown>) => {
  const found = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }))
  expect(found).toHaveLength(1)
  return found[0] as string
}

describe('HaloHooksStack', () => {
  let template: Template
  let queue: string
  let dlq: string
  let table: string
  let signingSecret: string
  let haloSecret: string

  beforeAll(() => {
    ;({ template } = synth())
    queue = logicalId(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() })
    dlq = Object.keys(template.findResources('AWS::SQS::Queue')).find((id) => id !== queue) ?? ''
    table = logicalId(template, 'AWS::DynamoDB::GlobalTable', {})
    signingSecret = logicalId(template, 'AWS::SecretsManager::Secret', {
      SecretString: '{"routes":{}}',
    })
    haloSecret = logicalId(template, 'AWS::SecretsManager::Secret', { SecretString: '{}' })
  })

  it('buffers in an encrypted FIFO queue whose visibility is 6× the worker timeout', () => {
    const deliverTimeout = template.findResources('AWS::Lambda::Function', {
      Properties: { Handler: 'index.handler', Timeout: 60 },
    })
    expect(Object.keys(deliverTimeout)).toHaveLength(1)
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      MessageRetentionPeriod: 14 * 86_400,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] },
        maxReceiveCount: 1_000,
      },
    })
    const resources = template.toJSON().Resources as Resources
    expect(resources[dlq]?.Properties).toEqual({
      FifoQueue: true,
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
      MaximumMessageSize: 1_048_576,
    })
  })

  it('refuses plain-HTTP access to both queues', () => {
    for (const id of [queue, dlq]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      })
    }
  })

  it('runs all three functions on ARM64 with the newest Node.js runtime, without source maps', () => {
    const functions = template.findResources('AWS::Lambda::Function')
    expect(Object.keys(functions)).toHaveLength(3)
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        // No START/END/REPORT lines of Lambda's own: CloudWatch Logs bills every byte.
        LoggingConfig: { LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'INFO' },
      })
      // --enable-source-maps costs at every cold start: only with deploy.sourceMaps.
      expect(fn.Properties?.Environment?.Variables).not.toHaveProperty('NODE_OPTIONS')
    }
  })

  it('runs with source maps when asked (deploy.sourceMaps or -c sourceMaps=true)', () => {
    const functions = synth({ sourceMaps: 'true' }).template.findResources('AWS::Lambda::Function')
    for (const fn of Object.values(functions)) {
      expect(fn.Properties?.Environment?.Variables).toMatchObject({
        NODE_OPTIONS: '--enable-source-maps',
      })
    }
  })

  it('sizes memory as measured: 128 MB for ingest, 256 MB for deliver', () => {
    const memory = (prefix: string) =>
      Object.entries(template.findResources('AWS::Lambda::Function')).find(([id]) =>
        id.startsWith(prefix),
      )?.[1].Properties?.MemorySize
    expect(memory('Ingest')).toBe(128)
    expect(memory('Deliver')).toBe(256)
  })

  it('consumes with partial batch failures and a bounded concurrency', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 2 },
    })
  })

  it('keeps state in an on-demand table with TTL and point-in-time recovery', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      ],
    })
  })

  it('keeps sparse indexes of open tickets and of due problems, projecting only what their sweeps need, and a keys-only ticket-id index', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      GlobalSecondaryIndexes: [
        {
          IndexName: 'OpenTickets',
          KeySchema: [
            { AttributeName: 'openTicket', KeyType: 'HASH' },
            { AttributeName: 'openOrder', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['route', 'key', 'ticketId'] },
        },
        {
          IndexName: 'TicketIds',
          KeySchema: [{ AttributeName: 'ticketId', KeyType: 'HASH' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
        {
          IndexName: 'DueProblems',
          KeySchema: [
            { AttributeName: 'dueIndex', KeyType: 'HASH' },
            { AttributeName: 'dueOrder', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['route', 'key'] },
        },
      ],
    })
  })

  it('invokes the sweep every reconcile.everyMinutes, never retrying a missed one', () => {
    const sweep = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) =>
      id.startsWith('ReconcileSweep'),
    )
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(10 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [sweep, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 600 },
        }),
      ],
    })
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [sweep, 'Arn'] },
      Principal: 'events.amazonaws.com',
    })
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 120,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'halo-hooks-sweep' }) },
    })
  })

  it('creates two secrets holding no secret value, only the empty shapes', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 2)
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: '{"routes":{}}',
      Description: Match.stringLikeRegexp('"routes":\\{"<route>":\\{"current"'),
    })
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      SecretString: '{}',
      Description: Match.stringLikeRegexp('"halo":\\{"clientId"'),
    })
  })

  it('serves POST /hooks/{route} publicly and /dry-run/{route} only with IAM', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /hooks/{route}',
      AuthorizationType: 'NONE',
    })
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /dry-run/{route}',
      AuthorizationType: 'AWS_IAM',
    })
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 2)
  })

  it('logs access and throttles on the stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('\\$context.requestId'),
      },
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    })
  })

  it('grants ingest only: its logs, sending to the queue, reading the signing secret, reading items (dry run) and the ticket-id index (owner of a Halo ticket)', () => {
    expect(grantsOf(template, 'IngestRole')).toEqual(
      [
        `logs:CreateLogStream → ${logsOf(template, 'Ingest')}`,
        `logs:PutLogEvents → ${logsOf(template, 'Ingest')}`,
        `dynamodb:GetItem → ${table}`,
        `dynamodb:Query → {${table}}/index/TicketIds`,
        `secretsmanager:DescribeSecret → ${signingSecret}`,
        `secretsmanager:GetSecretValue → ${signingSecret}`,
        `sqs:GetQueueAttributes → ${queue}`,
        `sqs:GetQueueUrl → ${queue}`,
        `sqs:SendMessage → ${queue}`,
      ].sort(),
    )
  })

  it('grants deliver only: its logs, consuming the queue, parking in the DLQ, items of the table and its ticket-id index, reading the Halo secret', () => {
    expect(grantsOf(template, 'DeliverRole')).toEqual(
      [
        `logs:CreateLogStream → ${logsOf(template, 'Deliver')}`,
        `logs:PutLogEvents → ${logsOf(template, 'Deliver')}`,
        `sqs:ReceiveMessage → ${queue}`,
        `sqs:ChangeMessageVisibility → ${queue}`,
        `sqs:DeleteMessage → ${queue}`,
        `sqs:GetQueueAttributes → ${queue}`,
        `sqs:GetQueueUrl → ${queue}`,
        `sqs:SendMessage → ${dlq}`,
        `sqs:GetQueueAttributes → ${dlq}`,
        `sqs:GetQueueUrl → ${dlq}`,
        `dynamodb:GetItem → ${table}`,
        `dynamodb:PutItem → ${table}`,
        `dynamodb:Query → {${table}}/index/TicketIds`,
        `secretsmanager:DescribeSecret → ${haloSecret}`,
        `secretsmanager:GetSecretValue → ${haloSecret}`,
      ].sort(),
    )
  })

  it("grants the sweep only: its logs, sending to the queue, the open-ticket index, the budget's items, reading the Halo secret", () => {
    expect(grantsOf(template, 'ReconcileSweepRole')).toEqual(
      [
        `logs:CreateLogStream → ${logsOf(template, 'ReconcileSweep')}`,
        `logs:PutLogEvents → ${logsOf(template, 'ReconcileSweep')}`,
        `sqs:GetQueueAttributes → ${queue}`,
        `sqs:GetQueueUrl → ${queue}`,
        `sqs:SendMessage → ${queue}`,
        `dynamodb:Query → {${table}}/index/OpenTickets`,
        `dynamodb:GetItem → ${table}`,
        `dynamodb:PutItem → ${table}`,
        `secretsmanager:DescribeSecret → ${haloSecret}`,
        `secretsmanager:GetSecretValue → ${haloSecret}`,
      ].sort(),
    )
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
            Condition: {
              'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['budget#*', 'sweep#*'] },
            },
          }),
        ]),
      },
    })
  })

  it('attaches no managed policies to the function roles', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined()
    }
  })

  it('hands every function the env var of each thing it was bound to', () => {
    const env = (prefix: string) => {
      const [fn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([id]) =>
        id.startsWith(prefix),
      )
      return Object.keys(
        (fn?.[1].Properties?.Environment as { Variables: Record<string, unknown> } | undefined)
          ?.Variables ?? {},
      )
    }
    expect(env('Ingest')).toEqual(
      expect.arrayContaining([
        AWS_ENV.queueUrl,
        AWS_ENV.signingSecretId,
        AWS_ENV.secretCacheSeconds,
        AWS_ENV.tableName, // read-only, for the dry run
      ]),
    )
    expect(env('Ingest')).not.toContain(AWS_ENV.haloBudgetLimit)
    expect(env('Ingest')).not.toContain(AWS_ENV.haloSecretId)
    expect(env('Deliver')).not.toContain(AWS_ENV.signingSecretId)
    expect(env('Deliver')).toEqual(
      expect.arrayContaining([
        AWS_ENV.queueUrl,
        AWS_ENV.deadLetterQueueUrl,
        AWS_ENV.haloSecretId,
        AWS_ENV.tableName,
        AWS_ENV.haloBudgetLimit,
        AWS_ENV.haloBudgetWindowSeconds,
      ]),
    )
    expect(env('ReconcileSweep').sort()).toEqual(
      expect.arrayContaining([
        AWS_ENV.queueUrl,
        AWS_ENV.haloSecretId,
        AWS_ENV.reconcileMaxTickets,
        AWS_ENV.reconcileMaxBudgetShare,
        AWS_ENV.secretCacheSeconds,
        AWS_ENV.tableName,
        AWS_ENV.haloBudgetLimit,
        AWS_ENV.haloBudgetWindowSeconds,
      ]),
    )
    expect(env('ReconcileSweep')).not.toContain(AWS_ENV.deadLetterQueueUrl)
  })

  it('raises five alarms, each reading one metric, and draws no dashboard unless asked', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5)
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      // Alarms are billed per metric they read: no metric math over several.
      expect(alarm.Properties?.Metrics).toBeUndefined()
      expect(alarm.Properties?.MetricName).toBeDefined()
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq, 'QueueName'] } }],
      Threshold: 1,
    })
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
    })
    // One value per Halo request, 1 for a 429: their Average is the share Halo throttled.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'HaloHooks',
      MetricName: 'HaloRequests',
      Statistic: 'Average',
      Threshold: 0.1,
    })
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0)
    synth({ dashboard: 'true' }).template.resourceCountIs('AWS::CloudWatch::Dashboard', 1)
  })

  it('always publishes alarms to a topic, and warns at synth when nobody is subscribed', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1)
    template.resourceCountIs('AWS::SNS::Subscription', 0)
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties?.AlarmActions).toHaveLength(1)
    }
    const outputs = template.toJSON().Outputs as Record<string, unknown>
    expect(Object.keys(outputs).some((name) => name.includes('AlarmTopicArn'))).toBe(true)
    const { stack } = synth()
    const warnings = Annotations.fromStack(stack).findWarning(
      '*',
      Match.stringLikeRegexp('No alarmEmail'),
    )
    expect(warnings).toHaveLength(1)
    const subscribed = synth({ alarmEmail: 'ops@example.com' })
    subscribed.template.resourceCountIs('AWS::SNS::Subscription', 1)
    expect(
      Annotations.fromStack(subscribed.stack).findWarning(
        '*',
        Match.stringLikeRegexp('No alarmEmail'),
      ),
    ).toHaveLength(0)
  })

  it('saves Logs Insights queries over the deliver audit lines and shows them on the dashboard', () => {
    const deliverLogs = logsOf(template, 'Deliver')
    const queries = Object.values(template.findResources('AWS::Logs::QueryDefinition')).map(
      (resource) =>
        resource.Properties as { Name: string; QueryString: string; LogGroupNames: unknown[] },
    )
    expect(queries.map((query) => query.Name).sort()).toEqual([
      'HaloHooks/deliveries/deferred-by-code',
      'HaloHooks/deliveries/latest',
      'HaloHooks/deliveries/outcomes-by-route',
      'HaloHooks/deliveries/parked',
    ])
    for (const query of queries) {
      expect(query.LogGroupNames.map(target)).toEqual([deliverLogs])
    }
    const byName = (name: string) =>
      queries.find((query) => query.Name === `HaloHooks/deliveries/${name}`)?.QueryString ?? ''
    // Every audit line is read, and every field it carries is shown.
    for (const outcome of [
      'delivered',
      'recorded',
      'deduplicated',
      'suppressed',
      'deferred',
      'parked',
    ]) {
      expect(byName('latest')).toContain(`"envelope ${outcome}"`)
    }
    expect(byName('latest')).toMatch(
      /display @timestamp, outcome, route, key, ticketId, action, code, why, envelopeId$/,
    )
    expect(byName('latest')).toContain('coalesce(reason, detail) as why')
    expect(byName('parked')).toContain('filter message = "envelope parked"')
    expect(byName('deferred-by-code')).toContain('stats count(*) as deferrals by code')

    const [dashboard] = Object.values(
      synth({ dashboard: 'true' }).template.findResources('AWS::CloudWatch::Dashboard'),
    )
    const { widgets } = JSON.parse(target(dashboard?.Properties?.DashboardBody)) as {
      widgets: { type: string; properties: { query?: string } }[]
    }
    // Each query is on the dashboard too, over the deliver log group.
    expect(
      widgets.filter((widget) => widget.type === 'log').map((w) => w.properties.query),
    ).toEqual(
      ['latest', 'parked', 'outcomes-by-route', 'deferred-by-code'].map(
        (name) => `SOURCE '{${deliverLogs}}' | ${byName(name)}`,
      ),
    )
  })

  it('outputs the base URL and one URL per configured route', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>
    expect(outputs.BaseUrl).toBeDefined()
    const routeUrls = Object.keys(outputs).filter((key) => key.startsWith('RouteUrl'))
    expect(routeUrls.length).toBeGreaterThan(0)
    for (const key of routeUrls) {
      expect(JSON.stringify(outputs[key]?.Value)).toMatch(/hooks\/[a-z0-9-]+"/)
    }
    expect(outputs.StateTableName?.Value).toEqual({ Ref: table })
  })
})

type NagReport = {
  pluginReports: Array<{
    pluginName: string
    conclusion: string
    violations: Array<{ ruleName: string }>
    suppressedViolations: Array<{ ruleName: string; reason: string }>
  }>
}

/** Synthesises as `cdk synth` does, with cdk-nag as a validation plugin, and reads its report. */
const nagReport = (context: Record<string, unknown>, change?: (stack: HaloHooksStack) => void) => {
  const outdir = mkdtempSync(join(tmpdir(), 'halo-hooks-nag-'))
  try {
    const { app, stack } = createApp(new App({ outdir, context: { ...NO_BUNDLING, ...context } }))
    change?.(stack)
    let failure: unknown
    try {
      app.synth()
    } catch (error) {
      failure = error
    }
    const report = JSON.parse(
      readFileSync(join(outdir, 'validation-report.json'), 'utf8'),
    ) as NagReport
    const nag = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions')
    return { failure, nag }
  } finally {
    rmSync(outdir, { recursive: true, force: true })
  }
}

describe('cdk-nag AwsSolutions', () => {
  it('reports nothing unacknowledged, and only the deliberate, reasoned acknowledgements', () => {
    const { failure, nag } = nagReport({})

    expect(failure).toBeUndefined()
    expect(nag?.conclusion).toBe('success')
    expect(nag?.violations).toEqual([])
    expect(nag?.suppressedViolations.map((v) => v.ruleName).sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-SMG4', // the signing secret
      'AwsSolutions-SMG4', // the Halo secret
    ])
    for (const acknowledged of nag?.suppressedViolations ?? []) {
      expect(acknowledged.reason.length).toBeGreaterThan(200)
    }
  })

  it('stays clean with every optional setting on (topic, imported secrets, named stage)', () => {
    const { failure, nag } = nagReport({
      alarmEmail: 'ops@example.com',
      secretName: 'halo-hooks/prod',
      haloSecretName: 'halo-hooks/prod-halo',
      stageName: 'prod',
    })

    expect(failure).toBeUndefined()
    expect(nag?.violations).toEqual([])
  })

  it('stays clean with the function URL in place of the HTTP API', () => {
    const { failure, nag } = nagReport({ endpoint: 'function-url' })

    expect(failure).toBeUndefined()
    expect(nag?.violations).toEqual([])
  })

  it('fails the synth when a resource breaks a rule (the check is live)', () => {
    const { failure, nag } = nagReport({}, (stack) => {
      new Queue(stack, 'Careless')
    })

    expect(String(failure)).toMatch(/ValidationFailed/)
    expect(nag?.violations.map((v) => v.ruleName)).toContain('AwsSolutions-SQS4')
  })
})

describe('HaloHooksStack with deploy settings from CDK context', () => {
  it('e-mails alarms, imports existing secrets by name and sets the Halo instance', () => {
    const { template } = synth({
      alarmEmail: 'ops@example.com',
      secretName: 'halo-hooks/prod',
      haloSecretName: 'halo-hooks/prod-halo',
      haloUrl: 'https://acme.halopsa.com',
      haloTenant: 'acme',
      stageName: 'prod',
      maxConcurrency: '5',
    })

    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    })
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties?.AlarmActions).toHaveLength(1)
    }
    template.resourceCountIs('AWS::SecretsManager::Secret', 0)
    expect(grantsOf(template, 'IngestRole')).toContain(
      'secretsmanager:GetSecretValue → arn:{AWS::Partition}:secretsmanager:{AWS::Region}:{AWS::AccountId}:secret:halo-hooks/prod-??????',
    )
    expect(grantsOf(template, 'DeliverRole')).toContain(
      'secretsmanager:GetSecretValue → arn:{AWS::Partition}:secretsmanager:{AWS::Region}:{AWS::AccountId}:secret:halo-hooks/prod-halo-??????',
    )
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ [AWS_ENV.signingSecretId]: 'halo-hooks/prod' }),
      },
    })
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [AWS_ENV.haloBaseUrl]: 'https://acme.halopsa.com',
          [AWS_ENV.haloTenant]: 'acme',
          [AWS_ENV.haloSecretId]: 'halo-hooks/prod-halo',
        }),
      },
    })
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: 'prod' })
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 5 },
    })
  })

  it('refuses invalid settings, naming each one', () => {
    expect(() => synth({ haloUrl: 'not a url', logRetentionDays: '13' })).toThrow(
      /deploy\.haloUrl[\s\S]*deploy\.logRetentionDays/,
    )
  })
})

describe('HaloHooksStack with the reconcile sweep turned off', () => {
  it('has no sweep function and no schedule', () => {
    const app = new App({ context: NO_BUNDLING })
    const stack = new HaloHooksStack(app, 'NoSweep', {
      settings: resolveDeploySettings(undefined, () => undefined),
      routes: [],
      routeData: { ingest: {}, deliver: {} },
      projectRoot: ROOT,
      reconcile: { ...DEFAULT_RECONCILE, enabled: false },
    })
    const template = Template.fromStack(stack)
    template.resourceCountIs('AWS::Lambda::Function', 2)
    template.resourceCountIs('AWS::Events::Rule', 0)
    expect(stack.reconcile).toBeUndefined()
  })
})

describe('HaloHooksStack with endpoint: function-url', () => {
  const { template } = synth({ endpoint: 'function-url', ingestConcurrency: '5' })
  const resources = template.toJSON().Resources as Resources
  const ingest = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) =>
    id.startsWith('Ingest'),
  ) as string

  it('serves ingest from its public function URL, with no HTTP API', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 0)
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 0)
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      InvokeMode: 'BUFFERED',
      TargetFunctionArn: { 'Fn::GetAtt': [ingest, 'Arn'] },
    })
    // Public invocation through the URL only: both permissions a public function URL needs.
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionUrlAuthType: 'NONE',
      Principal: '*',
    })
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      InvokedViaFunctionUrl: true,
      Principal: '*',
    })
  })

  it('throttles by ingest reserved concurrency, as set', () => {
    expect(resources[ingest]?.Properties?.ReservedConcurrentExecutions).toBe(5)
    const byDefault = synth({ endpoint: 'function-url' }).template.toJSON().Resources as Resources
    const defaultIngest = Object.entries(byDefault).find(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('Ingest'),
    )
    expect(defaultIngest?.[1].Properties?.ReservedConcurrentExecutions).toBe(10)
  })

  it('gives ingest no table (no dry run without IAM on its path)', () => {
    expect(
      grantsOf(template, 'IngestRole').filter((grant) => grant.startsWith('dynamodb:')),
    ).toEqual([])
    const environment = resources[ingest]?.Properties?.Environment as
      | { Variables: Record<string, unknown> }
      | undefined
    expect(environment?.Variables).toBeDefined()
    expect(environment?.Variables[AWS_ENV.tableName]).toBeUndefined()
  })

  it('keeps all five alarms, the 5xx one on the URL’s own metric', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 5)
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Url5xxCount',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ingest } }],
      Statistic: 'Sum',
    })
  })

  it('outputs the URL and one URL per route under it', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>
    const url = Object.keys(template.findResources('AWS::Lambda::Url'))[0] as string
    expect(outputs.BaseUrl?.Value).toEqual({ 'Fn::GetAtt': [url, 'FunctionUrl'] })
    const routeUrls = Object.keys(outputs).filter((key) => key.startsWith('RouteUrl'))
    expect(routeUrls.length).toBeGreaterThan(0)
    for (const key of routeUrls) {
      expect(target(outputs[key]?.Value)).toMatch(new RegExp(`^\\{${url}\\}hooks/[a-z0-9-]+$`))
    }
  })
})

describe('HaloHooksStack bundling (as cdk synth does it)', () => {
  let outdir: string
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'halo-hooks-synth-'))
  })
  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true })
  })

  it('bundles each handler with its compiled routes and only what it needs, without source maps', () => {
    const { app } = createApp(new App({ outdir }))
    app.synth()

    const bundles = readdirSync(outdir)
      .filter((name) => name.startsWith('asset.'))
      .map((name) => join(outdir, name))
      .filter((dir) => existsSync(join(dir, 'index.mjs')))
    expect(bundles).toHaveLength(3)
    const files = (dir: string) =>
      readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
        (name) => !isDirectory(dir, name),
      )
    const codeOf = (dir: string) =>
      files(dir)
        .map((name) => readFileSync(join(dir, name), 'utf8'))
        .join('\n')
    for (const dir of bundles) {
      const entry = readFileSync(join(dir, 'index.mjs'), 'utf8')
      expect(entry).toMatch(/createRequire/)
      expect(entry).toMatch(/export\s*\{[^}]*\bhandler\b/)
      // The SDK is bundled (its ES modules, tree-shaken), never imported from the runtime's copy.
      expect(codeOf(dir)).not.toMatch(/from\s*"@aws-sdk\//)
      // Source maps only when asked for (deploy.sourceMaps).
      expect(files(dir).filter((name) => name.endsWith('.map'))).toEqual([])
    }
    const [ingest, deliver] = ['webhooks are delivered with POST', 'delivery history not written']
      .map((marker) => bundles.map(codeOf).find((code) => code.includes(marker)))
      .map((code) => code ?? expect.fail('a bundle is missing'))
    const description = (id: string) => String(sources[id]?.description)
    // Ingest carries the senders its routes name (alertmanager, generic), and no other.
    expect(ingest).toContain(description('alertmanager'))
    expect(ingest).toContain(description('generic'))
    expect(ingest).not.toContain(description('slack'))
    // Deliver carries no sender at all, and neither carries the config's compiler.
    for (const id of Object.keys(sources)) expect(deliver).not.toContain(description(id))
    for (const code of [ingest, deliver])
      expect(code).not.toContain('at least one route is required')
  })
})

function isDirectory(dir: string, name: string): boolean {
  return statSync(join(dir, name)).isDirectory()
}

function logsOf(template: Template, prefix: string): string {
  const [id] = Object.keys(template.findResources('AWS::Logs::LogGroup')).filter((key) =>
    key.startsWith(`${prefix}Logs`),
  )
  return String(id)
}

describe('HaloHooksStack with routes whose policies keep deadlines (timers)', () => {
  // No policy keeps a deadline on its own yet: the stack is told so as `createApp` tells it when
  // some route does (`routeNeedsTimers`).
  const build = (outdir?: string) => {
    const app = new App({ ...(outdir ? { outdir } : {}), context: NO_BUNDLING })
    const stack = new HaloHooksStack(app, 'Timers', {
      settings: resolveDeploySettings(undefined, () => undefined),
      routes: ['alerts'],
      routeData: { ingest: {}, deliver: {} },
      projectRoot: ROOT,
      timers: true,
    })
    return { app, stack }
  }
  const { stack } = build()
  const template = Template.fromStack(stack)
  const table = logicalId(template, 'AWS::DynamoDB::GlobalTable', {})
  const queue = logicalId(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() })
  const due = Object.keys(template.findResources('AWS::Lambda::Function')).find((id) =>
    id.startsWith('DueSweep'),
  ) as string

  it('invokes the due sweep every minute, never retrying a missed one', () => {
    expect(due).toBeDefined()
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [due, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        }),
      ],
    })
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: { 'Fn::GetAtt': [due, 'Arn'] },
      Principal: 'events.amazonaws.com',
    })
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 30,
      MemorySize: 128,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'halo-hooks-due' }) },
    })
  })

  it('grants the due sweep only: its logs, the due index, sending to the queue (no secret, no item)', () => {
    expect(grantsOf(template, 'DueSweepRole')).toEqual(
      [
        `logs:CreateLogStream → ${logsOf(template, 'DueSweep')}`,
        `logs:PutLogEvents → ${logsOf(template, 'DueSweep')}`,
        `dynamodb:Query → {${table}}/index/DueProblems`,
        `sqs:GetQueueAttributes → ${queue}`,
        `sqs:GetQueueUrl → ${queue}`,
        `sqs:SendMessage → ${queue}`,
      ].sort(),
    )
    const environment = template.findResources('AWS::Lambda::Function')[due]?.Properties
      ?.Environment as { Variables: Record<string, unknown> } | undefined
    // Its own settings are the table and the queue; the rest is the house function's runtime.
    expect(
      Object.keys(environment?.Variables ?? {})
        .filter((name) => !/^(POWERTOOLS_|NODE_OPTIONS$|AWS_SDK_JS_)/.test(name))
        .sort(),
    ).toEqual([AWS_ENV.queueUrl, AWS_ENV.tableName].sort())
  })

  it('stays clean under cdk-nag AwsSolutions', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'halo-hooks-nag-'))
    try {
      const { app } = build(outdir)
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app))
      app.synth()
      const report = JSON.parse(
        readFileSync(join(outdir, 'validation-report.json'), 'utf8'),
      ) as NagReport
      const nag = report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions')
      expect(nag?.violations).toEqual([])
    } finally {
      rmSync(outdir, { recursive: true, force: true })
    }
  })

  it('is left out where no route keeps deadlines', () => {
    const { stack: plain } = synth()
    expect(plain.due).toBeUndefined()
    expect(
      Object.keys(Template.fromStack(plain).findResources('AWS::Lambda::Function')).some((id) =>
        id.startsWith('Due'),
      ),
    ).toBe(false)
  })
})
