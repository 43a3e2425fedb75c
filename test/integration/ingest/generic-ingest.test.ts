import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { beforeEach, describe, expect, it } from 'vitest'
import config from '../../../halo-hooks.config.js'
import { pendingAlerts } from '../../support/envelopes.js'
import { ingestHarness } from '../../support/ingest-harness.js'

const HMAC_SECRET = 'test-hmac-secret'
const BEARER = 'test-bearer-token'
const secrets = {
  routes: { 'example-hmac': { current: HMAC_SECRET }, 'example-bearer': { current: BEARER } },
}
const sample = readFileSync(new URL('../../../local/samples/generic.json', import.meta.url), 'utf8')
const sign = (body: string | Buffer, secret = HMAC_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

let harness: ReturnType<typeof ingestHarness>
beforeEach(() => {
  harness = ingestHarness(config, secrets)
})

const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  harness.app.request(path, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  })

const expectRejected = async (
  response: Response,
  status: number,
  error: string,
  detail: string,
) => {
  expect(response.status).toBe(status)
  const body = (await response.json()) as { error: string; detail: string }
  expect(body.error).toBe(error)
  expect(body.detail).toContain(detail)
  expect(pendingAlerts(harness.queue)).toEqual([])
}

describe('POST /hooks/:route with the generic source', () => {
  it('accepts a signed delivery, answering 202 with the envelope id once it is queued', async () => {
    const response = await post('/hooks/example-hmac', sample, { 'x-signature': sign(sample) })

    expect(response.status).toBe(202)
    const { ids } = (await response.json()) as { ids: string[] }
    const [queued] = pendingAlerts(harness.queue)
    expect(ids).toEqual([queued?.id])
    expect(queued).toMatchObject({
      v: 1,
      route: 'example-hmac',
      source: 'generic',
      type: 'generic.alert',
      alert: {
        key: 'disk-space-acme-dc01-c',
        status: 'firing',
        severity: 'critical',
        title: 'Disk C: below 5% free on acme-dc01',
        resource: 'acme-dc01',
        tenant: { name: 'Acme Dental' },
        occurredAt: '2026-11-28T07:00:00.000Z',
      },
      raw: JSON.parse(sample),
    })
  })

  it('gives a redelivery the same envelope id (by delivery id header, else by content)', async () => {
    const headers = { 'x-signature': sign(sample), 'x-delivery-id': 'd-1' }
    const first = (await (await post('/hooks/example-hmac', sample, headers)).json()) as {
      ids: string[]
    }
    const again = (await (await post('/hooks/example-hmac', sample, headers)).json()) as {
      ids: string[]
    }
    const other = (await (
      await post('/hooks/example-hmac', sample, { ...headers, 'x-delivery-id': 'd-2' })
    ).json()) as {
      ids: string[]
    }
    expect(again.ids).toEqual(first.ids)
    expect(other.ids).not.toEqual(first.ids)
    expect(pendingAlerts(harness.queue)).toHaveLength(2)
  })

  it('queues one envelope per element of a JSON array', async () => {
    const body = JSON.stringify([
      { id: 'a', summary: 'A down', status: 'firing' },
      { id: 'b', summary: 'B back', status: 'ok' },
    ])
    const response = await post('/hooks/example-hmac', body, { 'x-signature': sign(body) })
    expect(response.status).toBe(202)
    expect(pendingAlerts(harness.queue).map((e) => [e.alert.key, e.alert.status])).toEqual([
      ['a', 'firing'],
      ['b', 'resolved'],
    ])
  })

  it('verifies with the previous secret during a rotation', async () => {
    harness.secretStore.set({
      routes: { 'example-hmac': { current: 'new-secret', previous: HMAC_SECRET } },
    })
    const response = await post('/hooks/example-hmac', sample, { 'x-signature': sign(sample) })
    expect(response.status).toBe(202)
  })

  it('accepts a bearer route with its token', async () => {
    const response = await post('/hooks/example-bearer', sample, {
      authorization: `Bearer ${BEARER}`,
    })
    expect(response.status).toBe(202)
  })

  it('rejects an unknown route with 404', async () => {
    await expectRejected(
      await post('/hooks/nope', sample),
      404,
      'route_unknown',
      'no route named "nope"',
    )
  })

  it('rejects a missing signature header with 401', async () => {
    await expectRejected(
      await post('/hooks/example-hmac', sample),
      401,
      'signature_missing',
      'x-signature is missing',
    )
  })

  it('rejects a body changed by one byte after signing with 401', async () => {
    const changed = sample.replace('dc01', 'dc02')
    await expectRejected(
      await post('/hooks/example-hmac', changed, { 'x-signature': sign(sample) }),
      401,
      'signature_invalid',
      'does not match the body',
    )
  })

  it('rejects a signature made with another secret with 401', async () => {
    await expectRejected(
      await post('/hooks/example-hmac', sample, { 'x-signature': sign(sample, 'wrong') }),
      401,
      'signature_invalid',
      'HMAC-SHA256',
    )
  })

  it('rejects a wrong bearer token with 401', async () => {
    await expectRejected(
      await post('/hooks/example-bearer', sample, { authorization: 'Bearer nope' }),
      401,
      'auth_invalid',
      'bearer token does not match',
    )
  })

  it('rejects a signed body that is not JSON with 400, without quoting it back', async () => {
    const body = 'status=firing&id=1'
    const response = await post('/hooks/example-hmac', body, { 'x-signature': sign(body) })
    const copy = response.clone()
    await expectRejected(response, 400, 'body_invalid', 'not valid JSON')
    expect(await copy.text()).not.toContain('firing')
    expect(harness.logs.join('\n')).not.toContain('status=firing')
  })

  it('refuses a compressed body with 415 before reading it', async () => {
    await expectRejected(
      await post('/hooks/example-hmac', sample, {
        'x-signature': sign(sample),
        'content-encoding': 'gzip',
      }),
      415,
      'media_unsupported',
      'Content-Encoding gzip is not supported',
    )
  })

  it('rejects a signed form body with 415 naming the type', async () => {
    const body = 'id=1&status=firing'
    await expectRejected(
      await post('/hooks/example-hmac', body, {
        'x-signature': sign(body),
        'content-type': 'application/x-www-form-urlencoded',
      }),
      415,
      'media_unsupported',
      'not application/x-www-form-urlencoded',
    )
  })

  it('reads JSON labelled text/plain, as some senders label it', async () => {
    const response = await post('/hooks/example-hmac', sample, {
      'x-signature': sign(sample),
      'content-type': 'text/plain; charset=utf-8',
    })
    expect(response.status).toBe(202)
  })

  it('rejects a signed body that is not UTF-8 with 400', async () => {
    const body = Buffer.from([0x7b, 0xff, 0xfe, 0x7d])
    await expectRejected(
      await post('/hooks/example-hmac', body, { 'x-signature': sign(body) }),
      400,
      'body_invalid',
      'UTF-8',
    )
  })

  it('rejects JSON that yields no valid alert with 422 and the failing fields', async () => {
    const body = JSON.stringify({ status: 'exploded', summary: 'x' })
    await expectRejected(
      await post('/hooks/example-hmac', body, { 'x-signature': sign(body) }),
      422,
      'payload_invalid',
      'alert.key',
    )
  })

  it('rejects an unknown status word with 422 naming the field', async () => {
    const body = JSON.stringify({ id: 'a', status: 'exploded', summary: 'x' })
    const response = await post('/hooks/example-hmac', body, { 'x-signature': sign(body) })
    await expectRejected(response, 422, 'payload_invalid', 'alert.status')
  })

  it('rejects a body over the limit with 413, whether declared or streamed', async () => {
    const big = JSON.stringify({ id: 'a', summary: 'x', message: 'y'.repeat(300_000) })
    await expectRejected(
      await post('/hooks/example-hmac', big, { 'x-signature': sign(big) }),
      413,
      'payload_too_large',
      '262144',
    )

    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 40; i++) controller.enqueue(new Uint8Array(10_000).fill(0x20))
        controller.close()
      },
    })
    const response = await harness.app.request('/hooks/example-hmac', {
      method: 'POST',
      body: stream,
      duplex: 'half',
    })
    await expectRejected(response, 413, 'payload_too_large', 'exceeds')
  })

  it('answers 503 and tells the sender to retry when the queue refuses', async () => {
    harness.queue.setUnavailable(true)
    const response = await post('/hooks/example-hmac', sample, { 'x-signature': sign(sample) })
    await expectRejected(response, 503, 'queue_unavailable', 'retry')
  })

  it('answers 500 (so the sender retries) when the route has no secret, and enqueues nothing', async () => {
    harness.secretStore.set({ routes: {} })
    const response = await post('/hooks/example-hmac', sample, { 'x-signature': sign(sample) })
    await expectRejected(response, 500, 'config_invalid', 'retry')
  })

  it('answers 405 to other methods', async () => {
    const response = await harness.app.request('/hooks/example-hmac', { method: 'GET' })
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
  })

  it('never logs or answers a secret or a signature', async () => {
    const wrong = sign(sample, 'wrong')
    const responses = await Promise.all([
      post('/hooks/example-hmac', sample, { 'x-signature': wrong }),
      post('/hooks/example-hmac', sample, { 'x-signature': sign(sample) }),
      post('/hooks/example-bearer', sample, { authorization: 'Bearer guessed-token' }),
      post('/hooks/example-bearer', sample, { authorization: `Bearer ${BEARER}` }),
    ])
    const seen = [...harness.logs, ...(await Promise.all(responses.map((r) => r.text())))].join(
      '\n',
    )
    for (const secret of [HMAC_SECRET, BEARER, wrong, sign(sample), 'guessed-token']) {
      expect(seen).not.toContain(secret)
    }
    expect(harness.logs.some((line) => line.includes('webhook rejected'))).toBe(true)
  })
})

describe('a route that adds its own auth to a sender with a signature scheme', () => {
  it('requires both the sender signature and the route credential', async () => {
    const github = ingestHarness(
      { routes: { gh: { source: 'github', auth: { type: 'bearer' } } } },
      { routes: { gh: { current: HMAC_SECRET } } },
    )
    const body = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 })
    const headers = {
      'content-type': 'application/json',
      'x-github-event': 'ping',
      'x-github-delivery': 'd-1',
    }
    const bearerOnly = await github.app.request('/hooks/gh', {
      method: 'POST',
      body,
      headers: { ...headers, authorization: `Bearer ${HMAC_SECRET}` },
    })
    expect(bearerOnly.status).toBe(401)
    const both = await github.app.request('/hooks/gh', {
      method: 'POST',
      body,
      headers: {
        ...headers,
        authorization: `Bearer ${HMAC_SECRET}`,
        'x-hub-signature-256': sign(body),
      },
    })
    expect(both.status).toBe(200)
  })
})
