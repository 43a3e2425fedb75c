import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { serve } from '@hono/node-server'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { everySenderApp, SENDERS, type Sent } from './every-sender.js'
import { headerName, headerValue, watchProcessFailures } from './hostile-support.js'

// Served by @hono/node-server (as `npm start` serves it), the ingest app reads the Node request
// itself: its headers from the raw list, its body as bytes under the route's cap. `app.request`
// (as in every other hostile suite, and as on Lambda) goes through the Web `Request`. The two
// ways in must answer every request alike and queue the same envelopes.

const LIMIT = 262_144 // the default maxBodyBytes; every route of the config uses it

const processFailures = watchProcessFailures()
const served = everySenderApp()
let server: ReturnType<typeof serve>
let port = 0

beforeAll(async () => {
  processFailures.start()
  server = await new Promise((resolve) => {
    const started = serve({ fetch: served.app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    )
  })
  port = (server.address() as { port: number }).port
})

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve())
    if ('closeAllConnections' in server) server.closeAllConnections()
  })
  processFailures.stop()
  expect(processFailures.failures).toEqual([])
})

type RawRequest = { path: string; headers: [string, string][]; body: Buffer }
type Answer = { status: number; body: unknown }

const answerOf = (status: number, text: string): Answer => {
  try {
    return { status, body: JSON.parse(text) }
  } catch {
    return { status, body: text }
  }
}

/** Over HTTP, headers sent exactly as listed (repeats and case included). */
const overHttp = (sent: RawRequest): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const headers = [
      ['host', 'ingest.test'],
      ['content-length', String(sent.body.byteLength)],
      ...sent.headers,
    ].flat()
    const request = httpRequest(
      { host: '127.0.0.1', port, path: sent.path, method: 'POST', headers },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve(answerOf(response.statusCode ?? 0, Buffer.concat(chunks).toString())),
        )
      },
    )
    request.on('error', reject)
    request.end(sent.body)
  })

/** Through `app.request`, the Web way in, with the same header list. */
const throughWeb = async (app: ReturnType<typeof everySenderApp>['app'], sent: RawRequest) => {
  const headers = new Headers()
  for (const [name, value] of sent.headers) headers.append(name, value)
  const response = await app.request(`http://ingest.test${sent.path}`, {
    method: 'POST',
    headers,
    body: sent.body,
  })
  return answerOf(response.status, await response.text())
}

/** Header names that frame the request itself; changing them is a different request. */
const FRAMING = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'expect'])

const blank = fc.constantFrom('', ' ', '\t', '  ')

/** A header name in a case HTTP ignores. */
const recased = (name: string, pattern: boolean[]) =>
  [...name]
    .map((char, index) => (pattern[index % pattern.length] ? char.toUpperCase() : char))
    .join('')

const variant = fc.record({
  route: fc.constantFrom(...SENDERS),
  body: fc.constantFrom('signed', 'tampered', 'forged'),
  cases: fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
  padding: fc.tuple(blank, blank),
  /** Per header (cycling), a second one of the same name to add before or after it, or none. */
  repeats: fc.array(
    fc.option(fc.record({ value: headerValue, before: fc.boolean() }), { nil: undefined }),
    { minLength: 1, maxLength: 4 },
  ),
  extra: fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }),
})

type VariantValue = typeof variant extends fc.Arbitrary<infer T> ? T : never

/** A sender's request, signed (or not) and then changed in ways HTTP allows. */
const build = (v: VariantValue): RawRequest => {
  const sent: Sent =
    v.body === 'forged'
      ? served.signed(v.route, undefined, 'not-the-secret')
      : served.signed(v.route)
  const body = Buffer.from(sent.body)
  const middle = Math.floor(body.length / 2)
  if (v.body === 'tampered') body.writeUInt8((body.readUInt8(middle) ^ 0x01) & 0xff, middle)
  const headers: [string, string][] = Object.entries(sent.headers).map(([name, value]) => [
    recased(name, v.cases),
    `${v.padding[0]}${value}${v.padding[1]}`,
  ])
  const repeated = headers.flatMap((header, index): [string, string][] => {
    const repeat = v.repeats[index % v.repeats.length]
    if (!repeat) return [header]
    const copy: [string, string] = [header[0], repeat.value]
    return repeat.before ? [copy, header] : [header, copy]
  })
  for (const [name, value] of v.extra) if (!FRAMING.has(name)) repeated.push([name, value])
  return { path: sent.path, headers: repeated, body }
}

describe('ingest served by @hono/node-server (the Node request read directly)', () => {
  it('answers every request as app.request does and queues the same envelopes, for every sender', async () => {
    const web = everySenderApp()
    await fc.assert(
      fc.asyncProperty(variant, async (v) => {
        const sent = build(v)
        const [node, expected] = [await overHttp(sent), await throughWeb(web.app, sent)]
        expect(node).toEqual(expected)
        expect(served.queue.pending()).toEqual(web.queue.pending())
      }),
      { numRuns: 150 },
    )
    // Signed requests did get through both ways.
    expect(web.queue.pending().length).toBeGreaterThan(0)
  })

  it('refuses a repeated Authorization as app.request does, though Node keeps only the first', async () => {
    const sent = served.signed('alertmanager')
    const request: RawRequest = {
      path: sent.path,
      headers: [...Object.entries(sent.headers), ['authorization', 'Bearer other']],
      body: Buffer.from(sent.body),
    }
    const answer = await overHttp(request)
    expect(answer).toEqual(await throughWeb(everySenderApp().app, request))
    expect(answer.status).toBe(401)
  })

  it('refuses a declared length over the limit with 413 before a byte of the body is sent', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      let text = ''
      socket.on('data', (chunk) => {
        text += chunk.toString('latin1')
        if (text.includes('\r\n\r\n')) {
          socket.destroy()
          resolve(text)
        }
      })
      socket.write(
        `POST /hooks/generic HTTP/1.1\r\nHost: ingest.test\r\nContent-Type: application/json\r\nContent-Length: ${LIMIT + 1}\r\n\r\n`,
      )
    })
    expect(answer).toMatch(/^HTTP\/1\.1 413 /)
  })

  it('refuses an endless chunked upload with 413 once it passes the limit', async () => {
    const piece = Buffer.alloc(64 * 1024, 0x20)
    const queued = served.queue.pending().length
    const { status, written } = await new Promise<{ status: number; written: number }>(
      (resolve, reject) => {
        let written = 0
        let answered = false
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path: '/hooks/alertmanager',
            method: 'POST',
            headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
          },
          (response) => {
            answered = true
            response.resume()
            request.destroy()
            resolve({ status: response.statusCode ?? 0, written })
          },
        )
        request.on('error', (error) => {
          if (!answered) reject(error)
        })
        const pump = () => {
          // 64 MiB without an answer would mean the server reads the upload whole.
          while (!answered && written < 64 * 1024 * 1024) {
            written += piece.byteLength
            if (!request.write(piece)) return void request.once('drain', pump)
          }
        }
        pump()
      },
    )
    expect(status).toBe(413)
    expect(written).toBeLessThan(64 * 1024 * 1024)
    expect(served.queue.pending()).toHaveLength(queued)
  })

  it('treats a body cut short by the sender as a rejected request and keeps serving', async () => {
    const before = served.queue.pending().length
    served.logs.length = 0
    const socket = connect(port, '127.0.0.1')
    await new Promise<void>((resolve) => socket.on('connect', resolve))
    socket.write(
      'POST /hooks/generic HTTP/1.1\r\nHost: ingest.test\r\nContent-Length: 1000\r\n\r\n{"id":',
    )
    await new Promise((resolve) => setTimeout(resolve, 20))
    socket.destroy()
    await expect
      .poll(() => served.logs.some((line) => line.includes('"code":"body_invalid"')))
      .toBe(true)
    expect(served.logs.filter((line) => line.includes('"level":"ERROR"'))).toEqual([])
    expect(served.queue.pending()).toHaveLength(before)
    const health = await fetch(`http://127.0.0.1:${port}/health`)
    expect(health.status).toBe(200)
  })
})
