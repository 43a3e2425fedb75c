import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createIngestApp } from '../../../functions/ingest/app.js'
import { createIngestEndpoints } from '../../../functions/ingest/ingest-endpoints.js'
import { answerHttpEvent } from '../../../functions/ingest/lambda-http.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { silentLogger } from '../../../shared/observability.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'
import { httpApiEvent } from '../../support/aws/lambda-events.js'

// The Lambda function answers its events without Hono (lambda-http.ts); the local gateway serves
// the same endpoints through Hono (app.ts). Each request here goes both ways, each to a pipeline
// of its own, and must get the same answer: status, content type, extra headers and body.

const HMAC_SECRET = 'route-signing-secret'
const QUERY_TOKEN = 'query-token-7f3a'
const COOKIE = 'session=abc; theme=dark'

const alert = {
  key: '{% payload.id %}',
  status: '{% payload.status %}',
  title: '{% payload.summary %}',
}
const ticket = { summary: '{% alert.title %}', details: 'from halo-hooks', client_id: 1 }

const config = {
  routes: {
    alerts: {
      source: 'generic',
      auth: { type: 'hmac', header: 'x-signature', encoding: 'hex', prefix: 'sha256=' },
      alert,
      ticket,
      maxBodyBytes: 2048,
    },
    polled: { source: 'generic', auth: { type: 'query', param: 'token' }, alert, ticket },
    // A sender that can only set a cookie: payload v2 hands cookies over apart from the headers.
    cookied: { source: 'generic', auth: { type: 'header', header: 'cookie' }, alert, ticket },
    // A heartbeat takes GET: a monitor that can only call a URL pings it.
    beats: {
      source: 'heartbeat',
      auth: { type: 'query', param: 'token' },
      heartbeat: { expectEveryMinutes: 60, graceMinutes: 10 },
      ticket,
    },
  },
}

const secrets = {
  routes: {
    alerts: { current: HMAC_SECRET },
    polled: { current: QUERY_TOKEN },
    cookied: { current: COOKIE },
    beats: { current: QUERY_TOKEN },
  },
}

const pipeline = () => {
  const queue = createMemoryEventQueue()
  const deps = {
    routes: compileConfig(config).routes,
    queue,
    secrets: createMemorySecretStore(secrets),
    now: () => new Date('2026-11-28T07:00:00Z'),
    logger: silentLogger,
  }
  return { deps, queue }
}

type Request = {
  method?: string
  path: string
  query?: string
  body?: string
  headers?: Record<string, string>
  cookies?: string[]
  base64?: boolean
}

type Answer = { status: number; headers: Record<string, string>; body: string }

/** Sent to the Hono app as the local gateway serves it. */
const throughHono = async (request: Request): Promise<Answer> => {
  const { deps } = pipeline()
  const app = createIngestApp(deps)
  const headers = {
    ...request.headers,
    ...(request.cookies ? { cookie: request.cookies.join('; ') } : {}),
  }
  const response = await app.request(
    `http://localhost${request.path}${request.query ? `?${request.query}` : ''}`,
    {
      method: request.method ?? 'POST',
      headers,
      ...(request.body === undefined ? {} : { body: request.body }),
    },
  )
  const answerHeaders: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    answerHeaders[name] = value
  })
  return { status: response.status, headers: answerHeaders, body: await response.text() }
}

/** Sent to the Lambda function's adapter as an API Gateway HTTP API event. */
const throughLambda = async (request: Request): Promise<Answer> => {
  const { deps } = pipeline()
  const event = httpApiEvent({
    method: request.method ?? 'POST',
    path: request.path,
    ...(request.query === undefined ? {} : { query: request.query }),
    ...(request.body === undefined
      ? {}
      : request.base64
        ? { body: Buffer.from(request.body).toString('base64'), isBase64Encoded: true }
        : { body: request.body }),
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.cookies ? { cookies: request.cookies } : {}),
  })
  const result = await answerHttpEvent(event, createIngestEndpoints(deps))
  return {
    status: result.statusCode ?? 0,
    headers: (result.headers ?? {}) as Record<string, string>,
    body: result.body ?? '',
  }
}

const body = JSON.stringify({ id: 'disk-full:web-1', status: 'firing', summary: 'Disk full' })
const signature = `sha256=${createHmac('sha256', HMAC_SECRET).update(body).digest('hex')}`
const signed = { 'content-type': 'application/json', 'x-signature': signature }

const CASES: [string, Request, number][] = [
  ['a signed webhook', { path: '/hooks/alerts', body, headers: signed }, 202],
  [
    'a signed webhook whose body came base64-encoded',
    { path: '/hooks/alerts', body, headers: signed, base64: true },
    202,
  ],
  [
    'a forged signature',
    { path: '/hooks/alerts', body, headers: { ...signed, 'x-signature': 'sha256=00' } },
    401,
  ],
  ['a route name percent-encoded', { path: '/hooks/al%65rts', body, headers: signed }, 202],
  [
    'a token in the query string',
    { path: '/hooks/polled', query: `token=${QUERY_TOKEN}`, body },
    202,
  ],
  ['a wrong token in the query string', { path: '/hooks/polled', query: 'token=nope', body }, 401],
  ['the credential in cookies', { path: '/hooks/cookied', body, cookies: COOKIE.split('; ') }, 202],
  ['a GET to a route that takes POST only', { method: 'GET', path: '/hooks/alerts' }, 405],
  ['a route that is not configured', { path: '/hooks/nope', body }, 404],
  ['a path that is no endpoint', { path: '/elsewhere', body }, 404],
  ['a path under /hooks with a segment too many', { path: '/hooks/alerts/more', body }, 404],
  [
    'a body over the route’s cap',
    { path: '/hooks/alerts', body: 'x'.repeat(4096), headers: signed },
    413,
  ],
  [
    'a compressed body',
    { path: '/hooks/alerts', body, headers: { ...signed, 'content-encoding': 'gzip' } },
    415,
  ],
  ['a dry run where none is enabled', { path: '/dry-run/alerts', body }, 404],
  ['a GET to a dry run', { method: 'GET', path: '/dry-run/alerts' }, 404],
  ['the health check', { method: 'GET', path: '/health' }, 200],
  ['a HEAD to the health check', { method: 'HEAD', path: '/health' }, 200],
  ['a HEAD to a route', { method: 'HEAD', path: '/hooks/alerts' }, 405],
  ['a method in lower case', { method: 'post', path: '/hooks/alerts', body, headers: signed }, 202],
  [
    'a heartbeat’s ping by GET',
    { method: 'GET', path: '/hooks/beats', query: `token=${QUERY_TOKEN}&key=nightly-backup` },
    202,
  ],
]

describe('the Lambda function’s answers and the local gateway’s', () => {
  it.each(CASES)('are the same for %s', async (_name, request, status) => {
    const [hono, lambda] = await Promise.all([throughHono(request), throughLambda(request)])

    expect(lambda).toEqual(hono)
    expect(lambda.status).toBe(status)
  })

  it('queue the same envelopes', async () => {
    const local = pipeline()
    const viaLambda = pipeline()
    await createIngestApp(local.deps).request('http://localhost/hooks/alerts', {
      method: 'POST',
      headers: signed,
      body,
    })
    await answerHttpEvent(
      httpApiEvent({ path: '/hooks/alerts', body, headers: signed }),
      createIngestEndpoints(viaLambda.deps),
    )

    const queued = local.queue.pending()
    expect(queued).toHaveLength(1)
    expect(viaLambda.queue.pending()).toEqual(queued)
  })

  // What the Hono app cannot be asked (a Web Request refuses these), the function answers itself.
  const lambdaOnly = async (event: ReturnType<typeof httpApiEvent>) => {
    const { deps, queue } = pipeline()
    const result = await answerHttpEvent(event, createIngestEndpoints(deps))
    return { result, queued: queue.pending(), error: JSON.parse(result.body || '{}').error }
  }

  it('refuses a GET that carries a body, and queues nothing', async () => {
    const { result, queued, error } = await lambdaOnly(
      httpApiEvent({ method: 'GET', path: '/hooks/beats', query: `token=${QUERY_TOKEN}`, body }),
    )

    expect([result.statusCode, error]).toEqual([400, 'body_invalid'])
    expect(queued).toEqual([])
  })

  // The path is matched as it came: were it resolved as a URL is, a public route's path could
  // name the dry run, which API Gateway serves only to IAM-signed callers.
  it.each([
    '/hooks/../dry-run/alerts',
    '/hooks/%2e%2e/dry-run/alerts',
    '/hooks/..\\dry-run\\alerts',
    '/x/../hooks/alerts',
  ])('resolves no dot segment in %s', async (path) => {
    const { result, queued } = await lambdaOnly(httpApiEvent({ path, body, headers: signed }))

    expect(result.statusCode).toBe(404)
    expect(queued).toEqual([])
  })

  it('answers 400, naming what it expected, for an event that is not payload 2.0', async () => {
    const v1 = { httpMethod: 'POST', path: '/hooks/alerts', headers: signed, body }
    const { result, error } = await lambdaOnly(v1 as unknown as ReturnType<typeof httpApiEvent>)

    expect([result.statusCode, error]).toEqual([400, 'body_invalid'])
    expect(result.body).toContain('payload format 2.0')
  })
})
