import { createHmac } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  EVERY_SENDER_CONFIG,
  everySenderApp,
  SECRETS,
  SENDERS,
  type SenderName,
  type Sent,
  sample,
  secretValues,
} from './every-sender.js'
import {
  headerName,
  headerValue,
  insertEntry,
  jsonText,
  jsonTree,
  objectOpenings,
  POLLUTING_KEYS,
  prototypeSnapshot,
  watchProcessFailures,
} from './hostile-support.js'

// fast-check properties over the whole ingest app with a route for every sender. The app's
// promises are: never a 5xx (the queue being down is the one 503), never an exception that
// escapes, and never an envelope queued for a request that is not correctly authenticated.

const processFailures = watchProcessFailures()
const prototypesBefore = prototypeSnapshot()
beforeAll(() => processFailures.start())
afterAll(() => {
  processFailures.stop()
  expect(processFailures.failures).toEqual([])
  expect(prototypeSnapshot()).toEqual(prototypesBefore)
})

const sender = fc.constantFrom(...SENDERS)

/** Where the authentication of each sender travels: headers, or the query parameter `token`. */
const AUTH_HEADERS: Record<SenderName, readonly string[]> = {
  generic: ['x-signature'],
  github: ['x-hub-signature-256'],
  'standard-webhooks': ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
  slack: ['x-slack-request-timestamp', 'x-slack-signature'],
  sentry: ['sentry-hook-signature'],
  pagerduty: ['x-pagerduty-signature'],
  jira: ['x-hub-signature'],
  'microsoft-graph': [], // the secret is the clientState inside the body
  'datto-rmm': [],
  ninjaone: ['x-ninja-token'],
  'aws-sns': ['x-amz-sns-message-type'], // the signature is inside the body
  alertmanager: ['authorization'],
  grafana: ['x-grafana-ts', 'x-grafana-alert-signature'],
  'azure-monitor': [],
  'uptime-kuma': ['authorization'],
  uptimerobot: [],
  zabbix: ['authorization'],
  halo: ['authorization'],
  heartbeat: [],
}

/** Senders whose signature covers the exact body bytes (an HMAC of the body). */
const BODY_SIGNED: readonly SenderName[] = [
  'generic',
  'github',
  'standard-webhooks',
  'slack',
  'sentry',
  'pagerduty',
  'jira',
  'grafana',
]

/**
 * Senders whose authentication does not depend on the body being text: a static token, or a
 * plain HMAC of the raw bytes (re-signed here over bytes, as `signRequest` signs strings).
 */
const BYTE_AUTHENTICATED = [
  'generic',
  'github',
  'sentry',
  'pagerduty',
  'datto-rmm',
  'ninjaone',
  'alertmanager',
  'azure-monitor',
  'uptime-kuma',
  'uptimerobot',
  'zabbix',
  'halo',
  'heartbeat',
] as const satisfies readonly SenderName[]

/** The signature header of a plain-HMAC sender, computed over raw bytes. */
const signBytes = (route: SenderName, body: Buffer): Record<string, string> => {
  const secret = SECRETS.routes[route]?.current as string
  const hex = createHmac('sha256', secret).update(body).digest('hex')
  switch (route) {
    case 'generic':
      return { 'x-signature': `sha256=${hex}` }
    case 'github':
      return { 'x-hub-signature-256': `sha256=${hex}` }
    case 'sentry':
      return { 'sentry-hook-signature': hex }
    case 'pagerduty':
      return { 'x-pagerduty-signature': `v1=${hex}` }
    default:
      return {}
  }
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'FOO']

const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc.string({ unit: 'binary', maxLength: 512 }).map((text) => new TextEncoder().encode(text)),
  fc.json({ maxDepth: 4 }).map((text) => new TextEncoder().encode(text)),
  jsonTree().map((tree) => new TextEncoder().encode(jsonText(tree))),
  // A sender's own sample with one byte replaced: valid-looking, never validly signed.
  fc
    .record({ source: sender, index: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) })
    .map(({ source, index, byte }) => {
      const body = Buffer.from(sample(EVERY_SENDER_CONFIG.routes[source].source))
      body[index % body.length] = byte
      return new Uint8Array(body)
    }),
)

const path = fc.oneof(
  { weight: 4, arbitrary: sender.map((route) => `/hooks/${route}`) },
  {
    weight: 1,
    arbitrary: fc.webSegment().map((segment) => `/hooks/${segment}`),
  },
  { weight: 1, arbitrary: fc.webPath() },
  {
    weight: 1,
    arbitrary: fc
      .tuple(sender, fc.webQueryParameters())
      .map(([route, query]) => `/hooks/${route}?${query}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '/hooks/__proto__',
      '/hooks/constructor',
      '/hooks/%E0%A4%A',
      '/hooks/%00',
      '/hooks/generic%2F..%2Fgithub',
      '/hooks/datto-rmm?token=%ZZ&token=',
      '/health',
      '/',
    ),
  },
)

/** Headers a sender would send, with arbitrary values, plus arbitrary others. */
const headers = fc
  .tuple(
    fc.dictionary(
      fc.oneof(
        fc.constantFrom(...new Set(Object.values(AUTH_HEADERS).flat())),
        fc.constantFrom(
          'content-type',
          'content-encoding',
          'x-github-event',
          'x-github-delivery',
          'sentry-hook-resource',
          'x-delivery-id',
          'x-amz-sns-topic-arn',
        ),
        headerName,
      ),
      fc.oneof(
        headerValue,
        fc.constantFrom(
          'application/json; charset=utf-16',
          'text/plain; charset=iso-8859-1',
          'gzip',
          'br, deflate',
          'Bearer ',
          'Basic emFiYml4Og==',
          'sha256=',
          'v1,',
          'Notification',
          'SubscriptionConfirmation',
        ),
      ),
      { maxKeys: 8 },
    ),
  )
  .map(([given]) => given)

const send = (
  app: ReturnType<typeof everySenderApp>['app'],
  request: { path: string; method: string; headers: Record<string, string>; body: Uint8Array },
) =>
  app.request(request.path, {
    method: request.method,
    headers: request.headers,
    ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body: request.body }),
  })

describe('the ingest app under hostile input, with a route for every sender', () => {
  it('never answers 5xx and never queues anything for arbitrary requests', async () => {
    const harness = everySenderApp()
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          path,
          method: fc.constantFrom(...METHODS),
          headers,
          body: bytes,
        }),
        async (request) => {
          const response = await send(harness.app, request)
          await response.arrayBuffer()
          expect(response.status).toBeLessThan(500)
          expect(harness.queue.pending()).toEqual([])
        },
      ),
      { numRuns: 600 },
    )
    expect(harness.logs.filter((line) => line.includes('"level":"error"'))).toEqual([])
  })

  it('queues a correctly signed sample for every sender (the property above is not vacuous)', async () => {
    const harness = everySenderApp()
    for (const route of SENDERS) {
      const response = await harness.post(harness.signed(route))
      expect({ route, status: response.status }).toEqual({ route, status: 202 })
    }
    expect(new Set(harness.queue.pending().map((envelope) => envelope.route))).toEqual(
      new Set(SENDERS),
    )
  })

  it('refuses a request signed with any other secret with 401, and queues nothing', async () => {
    const harness = everySenderApp()
    const known = new Set(secretValues())
    await fc.assert(
      fc.asyncProperty(
        sender,
        fc.string({ minLength: 1, maxLength: 40 }).filter((secret) => !known.has(secret)),
        async (route, secret) => {
          const response = await harness.post(harness.signed(route, undefined, secret))
          expect(response.status).toBe(401)
          expect(harness.queue.pending()).toEqual([])
        },
      ),
      { numRuns: 200 },
    )
  })

  it('refuses a signed request whose authentication header or token was removed or changed', async () => {
    const harness = everySenderApp()
    const tampered = fc
      .constantFrom(
        ...SENDERS.flatMap((route) => [
          ...AUTH_HEADERS[route].map((name) => ({ route, name })),
          ...(harness.signed(route).path.includes('?') ? [{ route, name: '?token' }] : []),
        ]),
      )
      .chain(({ route, name }) =>
        fc.record({
          route: fc.constant(route),
          name: fc.constant(name),
          value: fc.option(headerValue, { nil: undefined }),
        }),
      )
    await fc.assert(
      fc.asyncProperty(tampered, async ({ route, name, value }) => {
        const sent = harness.signed(route)
        const changed: Sent = { ...sent, headers: { ...sent.headers } }
        if (name === '?token') {
          const url = new URL(sent.path, 'http://ingest.test')
          if (value === undefined) url.searchParams.delete('token')
          else url.searchParams.set('token', value)
          changed.path = `${url.pathname}${url.search}`
          fc.pre(url.searchParams.get('token') !== SECRETS.routes[route]?.current)
        } else if (value === undefined) {
          delete changed.headers[name]
        } else {
          fc.pre(value !== sent.headers[name])
          changed.headers[name] = value
        }
        const response = await harness.post(changed)
        expect(response.status).toBeGreaterThanOrEqual(400)
        expect(response.status).toBeLessThan(500)
        expect(harness.queue.pending()).toEqual([])
      }),
      { numRuns: 300 },
    )
  })

  it('refuses a body-signed request whose body changed after signing', async () => {
    const harness = everySenderApp()
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...BODY_SIGNED),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (route, index, flip) => {
          const sent = harness.signed(route)
          const body = Buffer.from(sent.body)
          const at = index % body.length
          body[at] = (body[at] as number) ^ flip
          const response = await harness.app.request(sent.path, {
            method: 'POST',
            headers: sent.headers,
            body: new Uint8Array(body),
          })
          expect(response.status).toBeGreaterThanOrEqual(400)
          expect(response.status).toBeLessThan(500)
          expect(harness.queue.pending()).toEqual([])
        },
      ),
      { numRuns: 300 },
    )
  })

  it('answers signed payloads carrying __proto__, constructor and prototype keys without 5xx or pollution', async () => {
    const harness = everySenderApp()
    const before = prototypeSnapshot()
    await fc.assert(
      fc.asyncProperty(
        sender,
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...POLLUTING_KEYS), jsonTree(3)), {
          minLength: 1,
          maxLength: 4,
        }),
        async (route, insertions) => {
          let body = sample(EVERY_SENDER_CONFIG.routes[route].source)
          for (const [where, key, value] of insertions) {
            const openings = objectOpenings(body)
            const offset = openings[where % openings.length] as number
            body = insertEntry(body, offset, [key, value])
          }
          const count = harness.queue.pending().length
          const response = await harness.post(harness.signed(route, body))
          const answer = (await response.json()) as { ids?: string[] }
          expect(response.status).toBeLessThan(500)
          const added = harness.queue.pending().length - count
          if (response.status === 202) {
            expect(added).toBeLessThanOrEqual(answer.ids?.length ?? 0)
          } else {
            expect(added).toBe(0)
          }
          expect(prototypeSnapshot()).toEqual(before)
          expect(({} as Record<string, unknown>).polluted).toBeUndefined()
        },
      ),
      { numRuns: 400 },
    )
    // Some of those were accepted: the pollution keys reached normalization and the queue.
    expect(harness.queue.pending().length).toBeGreaterThan(0)
  })

  it('answers arbitrary signed JSON for every sender without 5xx', async () => {
    const harness = everySenderApp()
    await fc.assert(
      fc.asyncProperty(
        sender,
        fc.oneof(fc.json({ maxDepth: 5 }), jsonTree(5).map(jsonText)),
        async (route, body) => {
          const response = await harness.post(harness.signed(route, body))
          await response.arrayBuffer()
          expect(response.status).toBeLessThan(500)
        },
      ),
      { numRuns: 400 },
    )
  })

  it('answers signed bodies with invalid UTF-8, any encoding header or charset without 5xx', async () => {
    const harness = everySenderApp()
    const invalidUtf8 = fc.constantFrom(
      [0xff],
      [0xc3],
      [0xc3, 0x28],
      [0xe2, 0x82],
      [0xf0, 0x9f, 0x98],
      [0xed, 0xa0, 0x80], // a UTF-16 surrogate encoded as UTF-8
      [0xc0, 0xaf], // overlong "/"
      [0xf8, 0x88, 0x80, 0x80, 0x80],
    )
    await fc.assert(
      fc.asyncProperty(
        sender,
        fc.option(fc.tuple(fc.nat(), invalidUtf8), { nil: undefined }),
        fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-nonsense'), {
          nil: undefined,
        }),
        fc.option(
          fc.constantFrom(
            'application/json; charset=utf-8',
            'application/json; charset=UTF-16LE',
            'application/json;charset="iso-8859-1"',
            'text/plain; charset=utf-8',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            '',
          ),
          { nil: undefined },
        ),
        async (route, broken, encoding, contentType) => {
          const text = sample(EVERY_SENDER_CONFIG.routes[route].source)
          let body = Buffer.from(text)
          if (broken) {
            const at = broken[0] % body.length
            body = Buffer.concat([body.subarray(0, at), Buffer.from(broken[1]), body.subarray(at)])
          }
          // Signed as text (latin1), so a body-HMAC sender fails authentication on the invalid
          // bytes; the next property signs raw bytes and reaches the UTF-8 decoder.
          const sent = harness.signed(route, broken ? body.toString('latin1') : text)
          const count = harness.queue.pending().length
          const response = await harness.app.request(sent.path, {
            method: 'POST',
            headers: {
              ...sent.headers,
              ...(encoding ? { 'content-encoding': encoding } : {}),
              ...(contentType !== undefined ? { 'content-type': contentType } : {}),
            },
            body: broken ? new Uint8Array(body) : sent.body,
          })
          await response.arrayBuffer()
          expect(response.status).toBeLessThan(500)
          if (broken) {
            // Bytes that are not UTF-8 never become an alert.
            expect(response.status).toBeGreaterThanOrEqual(400)
            expect(harness.queue.pending().length).toBe(count)
          }
        },
      ),
      { numRuns: 300 },
    )
  })

  it('refuses authenticated bodies that are not UTF-8 text with 400, and compressed ones with 415', async () => {
    const harness = everySenderApp()
    const rawBytes = fc.oneof(
      fc
        .tuple(fc.nat(), fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf]))
        .map(([at, bad]) => ({ bad, at, gzip: false })),
      fc.constant({ bad: [] as number[], at: 0, gzip: true }),
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...BYTE_AUTHENTICATED), rawBytes, async (route, change) => {
        const text = sample(EVERY_SENDER_CONFIG.routes[route].source)
        let body = Buffer.from(text)
        if (change.gzip) body = gzipSync(body)
        else {
          const at = change.at % body.length
          body = Buffer.concat([body.subarray(0, at), Buffer.from(change.bad), body.subarray(at)])
        }
        const sent = harness.signed(route, text)
        const headers = { ...sent.headers, ...signBytes(route, body) }
        if (change.gzip) headers['content-encoding'] = 'gzip'
        const response = await harness.app.request(sent.path, {
          method: 'POST',
          headers,
          body: new Uint8Array(body),
        })
        const answer = (await response.json()) as { error: string }
        // Authentication passed (the signature covers these exact bytes); decoding refused them.
        // A compressed body is refused before anything reads it.
        expect({ route, status: response.status, error: answer.error }).toEqual(
          change.gzip
            ? { route, status: 415, error: 'media_unsupported' }
            : { route, status: 400, error: 'body_invalid' },
        )
        expect(harness.queue.pending()).toEqual([])
      }),
      { numRuns: 150 },
    )
  })

  it('answers 503 to a correctly signed request while the queue is unavailable, 401 to a forged one', async () => {
    const harness = everySenderApp()
    harness.queue.setUnavailable(true)
    await fc.assert(
      fc.asyncProperty(sender, fc.boolean(), async (route, forged) => {
        const response = await harness.post(
          harness.signed(route, undefined, forged ? 'not-the-secret' : undefined),
        )
        const answer = (await response.json()) as { error: string; detail: string }
        expect(response.status).toBe(forged ? 401 : 503)
        if (!forged) {
          expect(answer).toEqual({
            error: 'queue_unavailable',
            detail: 'the webhook was not accepted; retry later',
          })
        }
        expect(harness.queue.pending()).toEqual([])
      }),
      { numRuns: 100 },
    )
    harness.queue.setUnavailable(false)
    const response = await harness.post(harness.signed('alertmanager'))
    expect(response.status).toBe(202)
  })
})
