import { createHmac } from 'node:crypto'
import { join } from 'node:path'
import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs'
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { AWS_ENV } from '../../../shared/aws-env.js'
import { type AwsStandIn, standInEnv, startAwsStandIn } from '../../support/aws/aws-stand-in.js'
import { bundleHandler, ROOT, removeBundles } from '../../support/aws/bundle-handler.js'
import { functionUrlEvent, httpApiEvent, lambdaContext } from '../../support/aws/lambda-events.js'

type Result = { statusCode: number; body: string; headers?: Record<string, string> }
let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<Result>

// The bundle's own (bundled) SDK clients talk to a local stand-in of SQS and Secrets Manager.
let aws: AwsStandIn
const SECRET = 'route-signing-secret'

beforeAll(async () => {
  aws = await startAwsStandIn()
  Object.assign(process.env, {
    ...standInEnv(aws),
    [AWS_ENV.queueUrl]: aws.queueUrl('halo-hooks-queue.fifo'),
    [AWS_ENV.signingSecretId]:
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:halo-hooks-AbCdEf',
    // The dry run reads the correlation state from this table (the stand-in, too).
    [AWS_ENV.tableName]: 'halo-hooks-state',
    AWS_ENDPOINT_URL_DYNAMODB: aws.url,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  })
  const url = await bundleHandler(
    'ingest',
    'ingest',
    join(ROOT, 'test/support/aws/handler-config.ts'),
  )
  handler = (await import(url)).handler
}, 60_000)

beforeEach(() => {
  aws.reset()
  aws.on('GetSecretValue', {
    output: { SecretString: JSON.stringify({ routes: { alerts: { current: SECRET } } }) },
  })
})

afterEach(() => {
  vi.restoreAllMocks()
})

afterAll(async () => {
  await aws?.close()
  removeBundles('ingest')
})

const payload = JSON.stringify({
  id: 'disk-full:web-1',
  status: 'firing',
  severity: 'high',
  summary: 'Disk full on web-1 — 98 %',
})
const sign = (body: string, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

const sent = () =>
  aws
    .calls<{ Entries?: SendMessageBatchRequestEntry[] }>('SendMessageBatch')
    .flatMap((input) => input.Entries ?? [])

describe('bundled ingest handler (API Gateway HTTP API v2)', () => {
  it('verifies a base64-encoded body on its exact bytes and answers 202 after SQS accepted it', async () => {
    const event = httpApiEvent({
      path: '/hooks/alerts',
      body: Buffer.from(payload).toString('base64'),
      isBase64Encoded: true,
      headers: { 'content-type': 'application/json', 'x-signature': sign(payload) },
    })

    const response = await handler(event, lambdaContext('ingest'))

    expect(response.statusCode).toBe(202)
    const { ids } = JSON.parse(response.body) as { ids: string[] }
    const [entry, ...others] = sent()
    expect(others).toEqual([])
    expect(entry?.MessageGroupId).toBe('alerts:disk-full:web-1')
    expect(entry?.MessageDeduplicationId).toBe(ids[0])
    expect(JSON.parse(entry?.MessageBody ?? '{}')).toMatchObject({
      v: 1,
      id: ids[0],
      route: 'alerts',
      alert: { key: 'disk-full:web-1', status: 'firing', title: 'Disk full on web-1 — 98 %' },
    })
  })

  it('answers 401 and queues nothing when the signature does not match the bytes', async () => {
    const event = httpApiEvent({
      path: '/hooks/alerts',
      body: Buffer.from(payload.replace('web-1', 'web-2')).toString('base64'),
      isBase64Encoded: true,
      headers: { 'content-type': 'application/json', 'x-signature': sign(payload) },
    })

    const response = await handler(event, lambdaContext('ingest'))

    expect(response.statusCode).toBe(401)
    expect(JSON.parse(response.body)).toMatchObject({ error: 'signature_invalid' })
    expect(sent()).toEqual([])
  })

  it('answers 503 when SQS keeps refusing the envelope, so the sender retries', async () => {
    aws.on('SendMessageBatch', {
      output: { Successful: [], Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }] },
    })
    const event = httpApiEvent({
      path: '/hooks/alerts',
      body: payload,
      headers: { 'content-type': 'application/json', 'x-signature': sign(payload) },
    })

    const response = await handler(event, lambdaContext('ingest'))

    expect(response.statusCode).toBe(503)
    expect(JSON.parse(response.body)).toMatchObject({ error: 'queue_unavailable' })
  })

  it('routes requests on a named stage, whose name prefixes the raw path', async () => {
    const event = httpApiEvent({
      path: '/hooks/alerts',
      stage: 'prod',
      body: payload,
      headers: { 'content-type': 'application/json', 'x-signature': sign(payload) },
    })

    const response = await handler(event, lambdaContext('ingest'))

    expect(response.statusCode).toBe(202)
  })

  it('accepts a webhook through a function URL (deploy.endpoint: function-url) alike', async () => {
    const event = functionUrlEvent({
      path: '/hooks/alerts',
      body: payload,
      headers: { 'content-type': 'application/json', 'x-signature': sign(payload) },
    })

    const response = await handler(event, lambdaContext('ingest'))

    expect(response.statusCode).toBe(202)
    const { ids } = JSON.parse(response.body) as { ids: string[] }
    expect(sent().map((entry) => entry.MessageDeduplicationId)).toEqual(ids)
  })

  it('answers a dry run from the correlation state, whose DynamoDB client loads on first use', async () => {
    aws.on('GetItem', { output: {} }) // no stored state: the alert would open a ticket
    const event = httpApiEvent({
      path: '/dry-run/alerts',
      body: payload,
      headers: { 'content-type': 'application/json', 'x-signature': sign(payload) },
    })

    const response = await handler(event, lambdaContext('ingest'))

    expect(response.statusCode).toBe(200)
    expect(JSON.parse(response.body)).toMatchObject({
      route: 'alerts',
      authenticated: true,
      alerts: [{ key: 'disk-full:web-1', title: 'Disk full on web-1 — 98 %' }],
      plans: [{ decision: { kind: 'create' } }],
    })
    expect(aws.calls('GetItem')).toEqual([
      expect.objectContaining({ TableName: 'halo-hooks-state', ConsistentRead: true }),
    ])
    expect(sent()).toEqual([])
  })

  it('answers 404 for a route that is not configured', async () => {
    const response = await handler(
      httpApiEvent({ path: '/hooks/nope', body: payload }),
      lambdaContext('ingest'),
    )

    expect(response.statusCode).toBe(404)
    expect(JSON.parse(response.body)).toMatchObject({ error: 'route_unknown' })
  })

  it('emits one EMF metric per rejection, with the error code as dimension', async () => {
    const lines: string[] = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk))
      return true
    })

    await handler(
      httpApiEvent({
        path: '/hooks/alerts',
        body: payload,
        headers: { 'x-signature': 'sha256=00' },
      }),
      lambdaContext('ingest'),
    )

    const emf = lines
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(emf).toContainEqual(
      expect.objectContaining({ code: 'signature_invalid', WebhooksRejected: 1 }),
    )
    // Nothing else: what is received is in the API's own metrics, which cost nothing.
    expect(emf).toHaveLength(1)
  })
})
