import { describe, expect, it } from 'vitest'
import { ConfigError, HaloApiError } from '../../../shared/errors.js'
import { createHaloClient, type HaloClientOptions } from '../../../shared/halo/halo-client.js'
import {
  isTokenCall,
  json,
  manualClock,
  type RecordedCall,
  type ScriptedAnswer,
  scriptedFetch,
  tokenAnswer,
} from '../../support/halo/scripted-fetch.js'

const BASE = 'https://acme.halo.test'
const ticketAnswer = () => json({ id: 7, summary: 's' })

const setup = (
  script: (call: RecordedCall, index: number) => ScriptedAnswer | Promise<ScriptedAnswer>,
  options: Partial<HaloClientOptions> = {},
) => {
  const clock = manualClock()
  const { fetch, calls } = scriptedFetch(script)
  const client = createHaloClient({
    baseUrl: BASE,
    clientId: 'id-1',
    clientSecret: 's3cret',
    discover: false,
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    ...options,
  })
  return { client, calls, clock }
}

describe('Halo token source (through createHaloClient)', () => {
  it('posts form-encoded client credentials with scope all to {baseUrl}/auth/token', async () => {
    const { client, calls } = setup((call) => (isTokenCall(call) ? tokenAnswer() : ticketAnswer()))

    await client.getTicket(7)

    const token = calls[0]
    expect(token?.url.toString()).toBe(`${BASE}/auth/token`)
    expect(token?.headers.get('content-type')).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'id-1',
      client_secret: 's3cret',
      scope: 'all',
    })
    expect(calls[1]?.headers.get('authorization')).toBe('Bearer token-1')
  })

  it('sends the tenant as a query parameter and a configured scope', async () => {
    const { client, calls } = setup(
      (call) => (isTokenCall(call) ? tokenAnswer() : ticketAnswer()),
      {
        tenant: 'acme',
        scope: 'read:tickets edit:tickets',
        authUrl: 'https://auth.halo.test/auth/',
      },
    )

    await client.getTicket(7)

    expect(calls[0]?.url.toString()).toBe('https://auth.halo.test/auth/token?tenant=acme')
    expect(new URLSearchParams(calls[0]?.body).get('scope')).toBe('read:tickets edit:tickets')
  })

  it('discovers the auth server and tenant from /api/authinfo when no auth URL is given', async () => {
    const { client, calls } = setup(
      (call) => {
        if (call.url.pathname === '/api/authinfo') {
          return json({ auth_url: 'https://auth.halo.test/auth', tenant_id: 'acme' })
        }
        return isTokenCall(call) ? tokenAnswer() : ticketAnswer()
      },
      { discover: true },
    )

    await client.getTicket(7)
    await client.getTicket(7)

    expect(calls.map((c) => c.url.toString())).toEqual([
      `${BASE}/api/authinfo`,
      'https://auth.halo.test/auth/token?tenant=acme',
      `${BASE}/api/Tickets/7`,
      `${BASE}/api/Tickets/7`,
    ])
  })

  it('falls back to {baseUrl}/auth/token when discovery fails, and ignores an untrusted auth URL', async () => {
    for (const answer of [json('no', 404), json({ auth_url: 'http://evil.test/auth' })]) {
      const { client, calls } = setup(
        (call) =>
          call.url.pathname === '/api/authinfo'
            ? answer.clone()
            : isTokenCall(call)
              ? tokenAnswer()
              : ticketAnswer(),
        { discover: true },
      )

      await client.getTicket(7)

      expect(calls[1]?.url.toString()).toBe(`${BASE}/auth/token`)
    }
  })

  it('falls back to {baseUrl}/auth/token when the discovered token endpoint does not exist', async () => {
    const { client, calls } = setup(
      (call) => {
        if (call.url.pathname === '/api/authinfo') return json({ auth_url: `${BASE}/elsewhere` })
        if (call.url.pathname === '/elsewhere/token')
          return new Response('Not Found', { status: 404 })
        return isTokenCall(call) ? tokenAnswer() : ticketAnswer()
      },
      { discover: true },
    )

    await client.getTicket(7)

    expect(calls.map((c) => c.url.pathname)).toEqual([
      '/api/authinfo',
      '/elsewhere/token',
      '/auth/token',
      '/api/Tickets/7',
    ])
  })

  it('reuses the token until shortly before it expires, then renews it', async () => {
    let issued = 0
    const { client, calls, clock } = setup((call) =>
      isTokenCall(call) ? tokenAnswer(`token-${++issued}`, 3600) : ticketAnswer(),
    )

    await client.getTicket(7)
    clock.advance(3_500_000) // 100 s before expiry: still outside the 60 s margin
    await client.getTicket(7)
    clock.advance(50_000) // 50 s before expiry: inside the margin
    await client.getTicket(7)

    expect(calls.filter(isTokenCall)).toHaveLength(2)
    expect(calls.at(-1)?.headers.get('authorization')).toBe('Bearer token-2')
  })

  it('asks for one token when many calls start together (single flight)', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const { client, calls } = setup(async (call) => {
      if (!isTokenCall(call)) return ticketAnswer()
      await gate
      return tokenAnswer()
    })

    const all = Promise.all(Array.from({ length: 10 }, () => client.getTicket(7)))
    release()
    await all

    expect(calls.filter(isTokenCall)).toHaveLength(1)
  })

  it('renews once and retries once when the API answers 401', async () => {
    let issued = 0
    const { client, calls } = setup((call) => {
      if (isTokenCall(call)) return tokenAnswer(`token-${++issued}`)
      return call.headers.get('authorization') === 'Bearer token-1'
        ? new Response(null, { status: 401 })
        : ticketAnswer()
    })

    const ticket = await client.getTicket(7)

    expect(ticket.id).toBe(7)
    expect(calls.map((c) => c.headers.get('authorization') ?? 'token')).toEqual([
      'token',
      'Bearer token-1',
      'token',
      'Bearer token-2',
    ])
  })

  it('gives up with a non-retryable 401 when the renewed token is refused too', async () => {
    const { client, calls } = setup((call) =>
      isTokenCall(call) ? tokenAnswer() : new Response(null, { status: 401 }),
    )

    const attempt = client.getTicket(7)

    await expect(attempt).rejects.toSatisfy(
      (e) => e instanceof HaloApiError && e.status === 401 && !e.retryable,
    )
    expect(calls.filter((c) => !isTokenCall(c))).toHaveLength(2)
  })

  it('turns invalid_client into a non-retryable ConfigError that names the problem', async () => {
    const { client } = setup(() =>
      json(
        {
          error: 'invalid_client',
          error_description: 'The specified client credentials are invalid.',
        },
        401,
      ),
    )

    const attempt = client.createTicket({ summary: 'x' })

    await expect(attempt).rejects.toBeInstanceOf(ConfigError)
    await expect(attempt).rejects.toThrow(/invalid_client/)
    await expect(attempt).rejects.toMatchObject({ retryable: false })
    // The cause keeps Halo's answer apart: the OAuth code and the HTTP status.
    await expect(attempt).rejects.toSatisfy(
      (e) =>
        e instanceof ConfigError &&
        e.cause instanceof HaloApiError &&
        e.cause.haloCode === 'invalid_client' &&
        e.cause.status === 401,
    )
  })

  it('names the URL when there is no token endpoint there (a wrong Halo URL)', async () => {
    const { client } = setup(() => new Response('Not Found', { status: 404 }))

    const attempt = client.getTicket(7)

    await expect(attempt).rejects.toBeInstanceOf(ConfigError)
    await expect(attempt).rejects.toThrow(`no Halo token endpoint at ${BASE}/auth/token`)
  })

  it('keeps a token server 503 retryable rather than a configuration error', async () => {
    const { client } = setup(() => json({ Message: 'busy' }, 503), { maxAttempts: 1 })

    await expect(client.getTicket(7)).rejects.toSatisfy(
      (e) => e instanceof HaloApiError && e.status === 503 && e.retryable,
    )
  })

  it('says what the token was issued for: token URL, tenant, scope asked for and granted', async () => {
    const { client, calls } = setup(
      (call) =>
        isTokenCall(call)
          ? json({ access_token: 't', expires_in: 3600, scope: 'edit:tickets' })
          : ticketAnswer(),
      { tenant: 'acme' },
    )

    const grant = await client.grant()
    await client.getTicket(7)

    expect(grant).toEqual({
      tokenUrl: `${BASE}/auth/token`,
      tenant: 'acme',
      requestedScope: 'all',
      grantedScope: 'edit:tickets',
    })
    // The grant's token is the one every call then uses.
    expect(calls.filter(isTokenCall)).toHaveLength(1)
  })

  it.each([
    ['a web page', () => new Response('<html>Sign in</html>', { status: 200 }), 'invalid_response'],
    ['a JSON list', () => json([1, 2]), 'invalid_response'],
    ['a 404', () => new Response('Not Found', { status: 404 }), 'http'],
    ['no connection', () => new TypeError('fetch failed'), 'network'],
  ] as const)('reads /api/authinfo once and reports %s as %s', async (_, answer, kind) => {
    const { client, calls } = setup(answer)

    await expect(client.authInfo()).rejects.toSatisfy(
      (e) => e instanceof HaloApiError && e.kind === kind,
    )
    expect(calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual(['GET /api/authinfo'])
    expect(calls[0]?.headers.get('authorization')).toBeNull()
  })
})
