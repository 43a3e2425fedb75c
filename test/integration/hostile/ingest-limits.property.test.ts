import { connect } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { serve } from '@hono/node-server'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EVERY_SENDER_CONFIG, everySenderApp, SENDERS, sample } from './every-sender.js'
import { watchProcessFailures } from './hostile-support.js'

// Size and shape limits of the whole ingest app: bodies near and over the route limit (declared
// or streamed), deeply nested JSON, memory after many large requests, and raw HTTP garbage.

const LIMIT = 262_144 // the default maxBodyBytes; every route of the config uses it

const processFailures = watchProcessFailures()
beforeAll(() => processFailures.start())
afterAll(() => {
  processFailures.stop()
  expect(processFailures.failures).toEqual([])
})

const sender = fc.constantFrom(...SENDERS)

/** The sender's sample padded with a string field to exactly `size` bytes. */
const padded = (route: (typeof SENDERS)[number], size: number): string => {
  const text = sample(EVERY_SENDER_CONFIG.routes[route].source).replace(/^\s*\{/, '{"pad":"",')
  const missing = Math.max(0, size - Buffer.byteLength(text))
  return text.replace('"pad":""', `"pad":"${'x'.repeat(missing)}"`)
}

/** A body streamed in chunks with no Content-Length, as a chunked upload arrives. */
const streamOf = (size: number, chunk = 64 * 1024): ReadableStream<Uint8Array> => {
  let sent = 0
  const piece = new Uint8Array(chunk).fill(0x20)
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close()
      const next = Math.min(chunk, size - sent)
      sent += next
      controller.enqueue(next === chunk ? piece : piece.subarray(0, next))
    },
  })
}

const nested = (shape: 'array' | 'object', depth: number): string =>
  shape === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`

describe('ingest size and shape limits', () => {
  it('accepts signed bodies up to the limit and refuses larger ones with 413, for every sender', async () => {
    const harness = everySenderApp()
    await fc.assert(
      fc.asyncProperty(
        sender,
        fc.integer({ min: LIMIT - 2048, max: LIMIT + 2048 }),
        async (route, size) => {
          const request = harness.signed(route, padded(route, size))
          const bytes = Buffer.byteLength(request.body) // SNS re-serialises what it signs
          const response = await harness.post(request)
          const answer = (await response.json()) as { error?: string }
          if (bytes > LIMIT) {
            expect({ bytes, status: response.status }).toEqual({ bytes, status: 413 })
            expect(answer.error).toBe('payload_too_large')
          } else {
            // Within the limit, a signed sample is an alert like any other.
            expect({ bytes, status: response.status }).toEqual({ bytes, status: 202 })
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('refuses a streamed body over the limit with 413 without reading it whole', async () => {
    const harness = everySenderApp()
    await fc.assert(
      fc.asyncProperty(
        sender,
        fc.integer({ min: LIMIT + 1, max: 8 * LIMIT }),
        async (route, size) => {
          const response = await harness.app.request(`/hooks/${route}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: streamOf(size),
            duplex: 'half',
          } as RequestInit)
          expect(response.status).toBe(413)
        },
      ),
      { numRuns: 30 },
    )
    // A declared length over the limit is refused before any byte is read.
    const declared = await harness.app.request('/hooks/generic', {
      method: 'POST',
      headers: { 'content-length': String(LIMIT + 1) },
      body: streamOf(LIMIT + 1),
      duplex: 'half',
    } as RequestInit)
    expect(declared.status).toBe(413)
    expect(harness.queue.pending()).toEqual([])
  })

  it('answers deeply nested JSON (up to 100k levels), unsigned, with 4xx and never a stack overflow', async () => {
    const harness = everySenderApp()
    await fc.assert(
      fc.asyncProperty(
        sender,
        fc.constantFrom('array' as const, 'object' as const),
        fc.constantFrom(1_000, 10_000, 50_000, 100_000),
        async (route, shape, depth) => {
          const body = nested(shape, depth)
          const response = await harness.app.request(`/hooks/${route}`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-amz-sns-message-type': 'Notification',
            },
            body,
          })
          await response.arrayBuffer()
          expect(response.status).toBeGreaterThanOrEqual(400)
          expect(response.status).toBeLessThan(500)
        },
      ),
      { numRuns: 60 },
    )
    expect(harness.queue.pending()).toEqual([])
  })

  // A signed sender can nest its payload deeply: the app must refuse it (4xx) or queue it, never
  // overflow the stack into a 5xx that the sender then retries for days.
  it('answers a signed payload with a deeply nested field (up to 100k levels) without 5xx', async () => {
    const harness = everySenderApp()
    const failures: string[] = []
    await fc.assert(
      fc.asyncProperty(
        sender,
        fc.constantFrom('array' as const, 'object' as const),
        fc.constantFrom(5_000, 20_000, 100_000),
        async (route, shape, depth) => {
          const text = sample(EVERY_SENDER_CONFIG.routes[route].source)
          const body = text.replace(/^\s*\{/, `{"nested":${nested(shape, depth)},`)
          if (Buffer.byteLength(body) > LIMIT) return // that is the 413 property above
          const response = await harness.post(harness.signed(route, body))
          await response.arrayBuffer()
          if (response.status >= 500)
            failures.push(`${route} ${shape} ${depth}: ${response.status}`)
          expect(response.status).toBeLessThan(500)
        },
      ),
      { numRuns: 40, endOnFailure: true },
    )
    expect(failures).toEqual([])
  })

  it('keeps the heap bounded over hundreds of large requests (nothing retains their bodies)', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        gc()
        await new Promise((resolve) => setImmediate(resolve))
      }
      return process.memoryUsage().heapUsed
    }
    const harness = everySenderApp()
    const signedBig = SENDERS.map((route) => harness.signed(route, padded(route, LIMIT - 4096)))
    const round = async (i: number) => {
      const route = SENDERS[i % SENDERS.length] as (typeof SENDERS)[number]
      const responses = await Promise.all([
        // near the limit and forged: read whole, then refused
        harness.app.request(`/hooks/${route}`, {
          method: 'POST',
          headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
          body: padded(route, LIMIT - 1024),
        }),
        // near the limit and signed: queued once, then deduplicated by its envelope id
        harness.post(signedBig[i % signedBig.length] as (typeof signedBig)[number]),
        // four times the limit, streamed: cut off at the limit
        harness.app.request(`/hooks/${route}`, {
          method: 'POST',
          body: streamOf(4 * LIMIT),
          duplex: 'half',
        } as RequestInit),
      ])
      for (const response of responses) await response.arrayBuffer()
      return responses.map((response) => response.status)
    }
    for (let i = 0; i < 2 * SENDERS.length; i++) await round(i)
    harness.logs.length = 0
    const queued = harness.queue.pending().length
    const before = await settle()
    const statuses = new Set<number>()
    const ROUNDS = 300 // 300 × (256 KiB read + 1 MiB streamed): ~370 MiB passes through
    for (let i = 0; i < ROUNDS; i++) for (const status of await round(i)) statuses.add(status)
    harness.logs.length = 0
    const after = await settle()
    expect([...statuses].sort()).toEqual([202, 401, 413])
    // Every signed sample was queued during the warm-up; its repeats were deduplicated.
    expect(queued).toBeGreaterThanOrEqual(SENDERS.length)
    expect(harness.queue.pending()).toHaveLength(queued)
    // Retaining even a tenth of the bodies would add over 35 MiB.
    expect(after - before).toBeLessThan(16 * 1024 * 1024)
  })

  it('survives raw HTTP garbage over a real socket: no 5xx, and it keeps serving', async () => {
    const harness = everySenderApp()
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const started = serve({ fetch: harness.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(started),
      )
    })
    const { port } = server.address() as { port: number }
    const raw = (payload: Uint8Array) =>
      new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1')
        const chunks: Buffer[] = []
        const finish = () => {
          clearTimeout(timer)
          socket.destroy()
          resolve(Buffer.concat(chunks).toString('latin1'))
        }
        const timer = setTimeout(finish, 300)
        socket.on('data', (chunk) => chunks.push(chunk))
        socket.on('error', finish)
        socket.on('close', finish)
        socket.write(payload, () => socket.end())
      })
    const request = (route: string, framing: string, body: string, extra: readonly string[] = []) =>
      new Uint8Array(
        Buffer.from(
          [`POST /hooks/${route} HTTP/1.1`, 'Host: 127.0.0.1', framing, ...extra, '', body].join(
            '\r\n',
          ),
          'utf8',
        ),
      )
    const requests = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      fc
        .record({
          route: sender,
          declared: fc.nat({ max: 2 * LIMIT }),
          body: fc.string({ unit: 'binary', maxLength: 256 }),
          chunked: fc.boolean(),
          extra: fc.array(fc.string({ maxLength: 40 }), { maxLength: 3 }),
        })
        .map(({ route, declared, body, chunked, extra }) =>
          chunked
            ? request(
                route,
                'Transfer-Encoding: chunked',
                `${body.length.toString(16)}\r\n${body}\r\nzz\r\n`,
                extra,
              )
            : request(route, `Content-Length: ${declared}`, body, extra),
        ),
    )
    // Well-framed requests reach the app only when the generated headers happen to be valid,
    // which a run of 120 may never draw: these always run first, so the app's own 401 and 413
    // are seen on every run, as the parser's 400 is.
    const examples: [Uint8Array][] = [
      [request(SENDERS[0] as string, 'Content-Length: 2', '{}')],
      [request(SENDERS[0] as string, `Content-Length: ${LIMIT + 1}`, '{}')],
      [new Uint8Array(Buffer.from('\u0000garbage\r\n\r\n', 'latin1'))],
    ]
    const seen = new Set<number>()
    try {
      await fc.assert(
        fc.asyncProperty(requests, async (payload) => {
          const answer = await raw(payload)
          const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]))
          for (const status of statuses) {
            seen.add(status)
            expect(status).toBeLessThan(500)
          }
        }),
        { numRuns: 120, examples },
      )
      // The garbage did reach the app and its parser: both answered with 4xx.
      expect([...seen].some((status) => status === 400)).toBe(true)
      expect([...seen].some((status) => status === 401 || status === 413)).toBe(true)
      const health = await fetch(`http://127.0.0.1:${port}/health`)
      expect(health.status).toBe(200)
      expect(harness.queue.pending()).toEqual([])
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        if ('closeAllConnections' in server) server.closeAllConnections()
      })
    }
  })
})
