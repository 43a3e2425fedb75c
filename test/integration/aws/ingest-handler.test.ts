import { createHmac } from 'node:crypto'
import { join } from 'node:path'
import type { SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs'
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { AWS_ENV } from '../../../shared/aws-env.js'
import { type AwsStandIn, standInEnv, startAwsStandIn } from '../../support/aws/aws-stand-in.js'
import { bundleHandler, ROOT, removeBundles } from '../../support/aws/bundle-handler.js'
import { functionUrlEvent, httpApiEvent, lambdaContext } from '../../support/aws/lambda-events.js'
import { setEnv } from '../../support/scoped-env.js'

type Result = { statusCode: number; body: string; headers?: Record<string, string> }
let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<Result>

// The bundle's own (bundled) SDK clients talk to a local stand-in of SQS and Secrets Manager.
let aws: AwsStandIn
const SECRET = 'route-signing-secret'
const HALO_PASSWORD = 'halo-webhook-password'

let restoreEnv: () => void = () => {}

beforeAll(async () => {
  aws = await startAwsStandIn()
  restoreEnv = setEnv({
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
    output: {
      SecretString: JSON.stringify({
        routes: { alerts: { current: SECRET }, halo: { current: HALO_PASSWORD } },
      }),
    },
  })
})

afterEach(() => {
  vi.restoreAllMocks()
})

afterAll(async () => {
  restoreEnv()
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

/** A "ticket closed" delivery from Halo's webhooks, key fields only, with Basic auth. */
const haloTicketClosed = (ticketId: number) =>
  httpApiEvent({
    path: '/hooks/halo',
    body: JSON.stringify({
      id: `delivery-${ticketId}`,
      event: 'Ticket Closed',
      object_id: ticketId,
      ticket: { id: ticketId, status_id: 9 },
    }),
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`halo-hooks:${HALO_PASSWORD}`).toString('base64')}`,
    },
  })

/** A correlation record as DynamoDB stores it: an open problem on `ticketId`. */
const storedRecord = (pk: string, ticketId: number) => ({
  pk: { S: pk },
  route: { S: 'alerts' },
  key: { S: 'disk-full:web-1' },
  ticketId: { N: String(ticketId) },
  state: { S: 'open' },
  occurrences: { N: '1' },
  firstSeen: { S: '2026-11-28T12:00:00.000Z' },
  lastSeen: { S: '2026-11-28T12:00:00.000Z' },
  applied: { L: [] },
  version: { N: '1' },
})

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
    // Only a Halo ticket event asks who owns its ticket.
    expect([...aws.calls('Query'), ...aws.calls('GetItem')]).toEqual([])
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

  it('answers 200 with the reason and queues nothing for a Halo ticket event whose ticket no problem owns', async () => {
    aws.on('Query', { output: { Items: [], Count: 0 } }) // the ticket index knows no such ticket

    const response = await handler(haloTicketClosed(424_242), lambdaContext('ingest'))

    expect(response.statusCode).toBe(200)
    expect(JSON.parse(response.body)).toEqual({
      accepted: 0,
      ids: [],
      ignored: 'ticket 424242 is not one halo-hooks opened; ignored',
    })
    expect(aws.calls('Query')).toEqual([
      expect.objectContaining({
        TableName: 'halo-hooks-state',
        IndexName: 'TicketIds',
        ExpressionAttributeValues: { ':ticket': { N: '424242' } },
      }),
    ])
    expect(sent()).toEqual([])
  })

  it('answers 202 and queues a Halo ticket event whose ticket a problem owns, read strongly', async () => {
    const pk = 'corr#alerts#disk-full:web-1'
    aws.on('Query', { output: { Items: [{ pk: { S: pk } }], Count: 1 } })
    aws.on('GetItem', { output: { Item: storedRecord(pk, 1001) } })

    const response = await handler(haloTicketClosed(1001), lambdaContext('ingest'))

    expect(response.statusCode).toBe(202)
    expect(aws.calls('GetItem')).toEqual([
      expect.objectContaining({ Key: { pk: { S: pk } }, ConsistentRead: true }),
    ])
    expect(sent().map((entry) => JSON.parse(entry.MessageBody ?? '{}'))).toEqual([
      expect.objectContaining({
        v: 2,
        route: 'halo',
        ticketEvent: expect.objectContaining({ ticketId: 1001 }),
      }),
    ])
  })

  it('queues a Halo ticket event when DynamoDB cannot say who owns the ticket, never a 5xx', async () => {
    aws.on('Query', { error: 'AccessDeniedException', message: 'not authorized' })

    const response = await handler(haloTicketClosed(1001), lambdaContext('ingest'))

    expect(response.statusCode).toBe(202)
    expect(sent()).toHaveLength(1)
  })

  it('answers 422 naming the rule for a Halo event its schema refuses, checked by a chunk loaded on first use', async () => {
    // The schema's chunk throws the error the entry's app maps to a status: one class between
    // them, however the bundle is split into files.
    const event = haloTicketClosed(4711)
    const response = await handler(
      { ...event, body: JSON.stringify({ ...JSON.parse(event.body ?? '{}'), event: 42 }) },
      lambdaContext('ingest'),
    )

    expect(response.statusCode).toBe(422)
    expect(JSON.parse(response.body)).toMatchObject({ error: 'payload_invalid' })
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
