import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startGateway } from '../../local/gateway.js'
import { startHaloSandbox } from '../../local/halo-sandbox/start-halo-sandbox.js'
import { signRequest } from '../../local/sign-request.js'
import { hmac } from '../../shared/auth/safe-equal.js'
import type { CompiledRoute } from '../../shared/config/compile-config.js'
import { createJsonLogger } from '../../shared/observability.js'
import { createMemorySecretStore } from '../../shared/secrets/memory-secret-store.js'
import {
  everySenderApp,
  everySenderRoutes,
  NOW,
  SECRETS,
  SENDERS,
  type SenderName,
  type Sent,
  secretValues,
  signerFor,
} from './hostile/every-sender.js'

// Drives every sender's valid, forged and malformed requests through the ingest app and through
// the local gateway delivering to the Halo sandbox, records every log line and response body,
// and proves that no secret, token or signature value (given or computed) ever shows up in them.

/** Header names (and the query parameter) that carry a signature or credential. */
const CREDENTIAL_HEADERS = [
  'authorization',
  'x-signature',
  'x-hub-signature',
  'x-hub-signature-256',
  'webhook-signature',
  'x-slack-signature',
  'sentry-hook-signature',
  'x-pagerduty-signature',
  'x-ninja-token',
  'x-grafana-alert-signature',
]

/**
 * The secret-bearing parts of a value, in every form it could leak in: as sent, and each piece
 * after a scheme prefix or between list separators (`sha256=…`, `v1,… v1,…`, `Bearer …`), plus
 * decoded Basic credentials.
 */
const secretForms = (value: string): string[] => {
  const forms = new Set<string>([value])
  for (const piece of value.split(/[\s,;]+|(?<=^[a-z0-9]{1,8})=/i)) forms.add(piece)
  const basic = /^Basic (.+)$/.exec(value)?.[1]
  if (basic) forms.add(Buffer.from(basic, 'base64').toString('utf8'))
  // A hex digest could be logged as base64 and the other way round.
  for (const form of [...forms]) {
    if (/^[0-9a-f]{40,}$/i.test(form)) forms.add(Buffer.from(form, 'hex').toString('base64'))
    if (/^[A-Za-z0-9+/]{27,}={0,2}$/.test(form)) {
      forms.add(Buffer.from(form, 'base64').toString('hex'))
    }
  }
  // Short pieces (a scheme name, "v1") are not secrets and would match harmless text.
  return [...forms].filter((form) => form.length >= 12)
}

/** Credential material a request carries: credential headers, the `token` query, SNS Signature. */
const credentialsOf = (sent: Sent): string[] => {
  const values = CREDENTIAL_HEADERS.flatMap((name) => sent.headers[name] ?? [])
  const token = new URL(sent.path, 'http://x').searchParams.get('token')
  if (token) values.push(token)
  try {
    const signature = (JSON.parse(sent.body) as { Signature?: unknown }).Signature
    if (typeof signature === 'string') values.push(signature)
  } catch {
    // not JSON: no signature inside
  }
  return values
}

/**
 * The signature ingest computes when it checks `body` with each secret of `route`: the value a
 * careless "expected …, got …" message would print. Computed with the sender's signer.
 */
const computedSignatures = (
  routes: ReadonlyMap<string, CompiledRoute>,
  route: SenderName,
  body: string,
  at: Date,
): string[] => {
  const compiled = routes.get(route) as CompiledRoute
  const secret = SECRETS.routes[route]
  return [secret?.current, secret?.previous].flatMap((value) => {
    if (!value) return []
    const signed =
      route === 'aws-sns'
        ? { headers: {}, url: new URL('http://x') }
        : signRequest(compiled, {
            body,
            secret: value,
            url: new URL(`http://ingest.test/hooks/${route}`),
            now: at,
          })
    return [
      ...credentialsOf({
        path: `${signed.url.pathname}${signed.url.search}`,
        headers: signed.headers,
        body: '',
      }),
      // Plain HMACs of the body with the secret, as schemes without a prefix compute them.
      hmac('sha256', value, body, 'hex'),
      hmac('sha256', value, body, 'base64'),
      createHmac('sha1', value).update(body).digest('hex'),
    ]
  })
}

/** Every occurrence of any forbidden value in the captured text, with where it was found. */
const leaks = (captured: { where: string; text: string }[], forbidden: Iterable<string>) => {
  const found: string[] = []
  for (const value of new Set([...forbidden].flatMap(secretForms))) {
    for (const { where, text } of captured) {
      if (text.includes(value)) found.push(`${where} holds ${value.slice(0, 6)}…`)
    }
  }
  return found
}

/** What each sender is sent: valid, forged, tampered after signing, malformed, unsigned. */
const requestsFor = (signed: ReturnType<typeof signerFor>, route: SenderName): Sent[] => {
  const valid = signed(route)
  const forged = signed(route, undefined, `forged-secret-for-${route}-4b1d`)
  const malformedBody = '{"not": "what this sender sends", "x": [1, 2, {"y": null}]}'
  const malformed = signed(route, malformedBody)
  const garbage = signed(route, '\u0000\u0001 not json at all')
  return [
    valid,
    forged,
    // The sample changed after signing: the given signature is valid for other bytes.
    { ...valid, body: valid.body.replace(/"/, '" ') },
    { ...valid, body: `${valid.body} ` },
    // Cut short: invalid JSON that still holds whatever secret the body carries (Graph's).
    { ...valid, body: valid.body.slice(0, Math.floor(valid.body.length * 0.9)) },
    malformed,
    garbage,
    { ...malformed, body: '[]' },
    { path: valid.path, headers: { 'content-type': 'application/json' }, body: valid.body },
  ]
}

describe('log scan: no secret, token or signature in any log line or response', () => {
  it('holds for every sender in the ingest app, for valid, forged and malformed requests', async () => {
    const harness = everySenderApp()
    const captured: { where: string; text: string }[] = []
    const forbidden = new Set<string>(secretValues())
    for (const route of SENDERS) {
      for (const sent of requestsFor(harness.signed, route)) {
        for (const value of credentialsOf(sent)) forbidden.add(value)
        for (const value of computedSignatures(harness.routes, route, sent.body, NOW)) {
          forbidden.add(value)
        }
        const response = await harness.post(sent)
        captured.push({
          where: `response ${response.status} of ${route}`,
          text: `${JSON.stringify([...response.headers])}${await response.text()}`,
        })
      }
    }
    // Forged requests also carry signatures made with the other secrets of the deployment.
    for (const route of SENDERS) {
      const other = SENDERS[(SENDERS.indexOf(route) + 1) % SENDERS.length] as SenderName
      const sent = harness.signed(route, undefined, SECRETS.routes[other]?.current)
      for (const value of credentialsOf(sent)) forbidden.add(value)
      const response = await harness.post(sent)
      captured.push({ where: `response of ${route}`, text: await response.text() })
    }
    captured.push(
      ...harness.logs.map((line, index) => ({ where: `log line ${index}`, text: line })),
    )

    // The scan saw every kind of outcome, and the logs are not empty.
    const statuses = new Set(captured.map(({ where }) => /response (\d+)/.exec(where)?.[1]))
    expect([...statuses].filter(Boolean).sort()).toEqual(
      expect.arrayContaining(['202', '400', '401', '422']),
    )
    expect(harness.logs.length).toBeGreaterThan(SENDERS.length * 5)
    expect(leaks(captured, forbidden)).toEqual([])
  })

  it('finds a leak when one is planted (the scan is not blind)', () => {
    const sent = signerFor(everySenderRoutes().routes)('github')
    const signature = sent.headers['x-hub-signature-256'] as string
    const hex = signature.replace('sha256=', '')
    const planted = [
      { where: 'a', text: `expected ${hex}` },
      { where: 'b', text: `got ${Buffer.from(hex, 'hex').toString('base64')}` },
      { where: 'c', text: `secret ${SECRETS.routes.zabbix?.current}` },
      { where: 'd', text: 'nothing to see' },
    ]
    expect(leaks(planted, [signature, ...secretValues()])).toHaveLength(3)
  })

  describe('through the local gateway, delivering to the Halo sandbox over HTTP', () => {
    const HALO = { clientId: 'log-scan-client', clientSecret: 'log-scan-halo-client-secret-5e1a' }
    const issuedTokens: string[] = []
    const realFetch = globalThis.fetch
    let sandbox: Awaited<ReturnType<typeof startHaloSandbox>>
    let gateway: Awaited<ReturnType<typeof startGateway>>
    const logs: string[] = []
    const { compiled, routes } = everySenderRoutes()

    beforeAll(async () => {
      // Records the tokens the sandbox issues to the gateway's Halo client, passing everything
      // through untouched: they must never be logged either.
      globalThis.fetch = async (input, init) => {
        const response = await realFetch(input, init)
        if (String(input instanceof Request ? input.url : input).includes('/auth/token')) {
          const body = (await response
            .clone()
            .json()
            .catch(() => ({}))) as Record<string, unknown>
          for (const name of ['access_token', 'refresh_token', 'id_token']) {
            if (typeof body[name] === 'string') issuedTokens.push(body[name] as string)
          }
        }
        return response
      }
      sandbox = await startHaloSandbox({
        credentials: HALO,
        // A fifth of Halo calls fail, so retries, deferrals and their logs happen too.
        faults: { errorRate: 0.2, seed: 7 },
        tokenLifetimeSeconds: 2,
      })
      gateway = await startGateway({
        compiled,
        secrets: createMemorySecretStore({ ...SECRETS, halo: HALO }),
        logger: createJsonLogger({ level: 'debug', write: (line) => logs.push(line) }),
        halo: { url: sandbox.url, ...HALO },
        port: 0,
        // A Halo that allows plenty in a short window, so injected 429s cost seconds, not minutes.
        budget: { limit: 1_000, windowSeconds: 5 },
        // Retries after a tenth of a second, not two: the deliveries' retries are logged all the
        // same, and the queue drains in seconds however loaded the machine is.
        worker: { retryBaseMs: 100 },
      })
    })

    afterAll(async () => {
      globalThis.fetch = realFetch
      await gateway?.close()
      await sandbox?.close()
    })

    it('holds for every sender end to end, and the deliveries did reach Halo', async () => {
      const signed = signerFor(routes, () => new Date())
      const captured: { where: string; text: string }[] = []
      const forbidden = new Set<string>([...secretValues(), HALO.clientSecret])
      for (const route of SENDERS) {
        for (const sent of requestsFor(signed, route)) {
          for (const value of credentialsOf(sent)) forbidden.add(value)
          for (const value of computedSignatures(routes, route, sent.body, new Date())) {
            forbidden.add(value)
          }
          const response = await realFetch(`${gateway.url}${sent.path}`, {
            method: 'POST',
            headers: sent.headers,
            body: sent.body,
          })
          captured.push({
            where: `gateway response ${response.status} of ${route}`,
            text: `${JSON.stringify([...response.headers])}${await response.text()}`,
          })
        }
      }
      // Let the worker deliver (with retries through the injected faults), within a bound.
      const deadline = Date.now() + 15_000
      while (Date.now() < deadline) {
        const stats = gateway.queue.stats()
        if (stats.queued + stats.inFlight === 0) break
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(sandbox.sandbox.tickets().length).toBeGreaterThanOrEqual(SENDERS.length - 2)
      expect(issuedTokens.length).toBeGreaterThan(0)
      for (const token of issuedTokens) forbidden.add(token)
      captured.push(...logs.map((line, index) => ({ where: `gateway log ${index}`, text: line })))
      expect(logs.some((line) => line.includes('"level":"warn"'))).toBe(true)
      expect(leaks(captured, forbidden)).toEqual([])
    }, 40_000)
  })
})
