import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { createHaloSandbox, SANDBOX_CREDENTIALS } from '../../../local/halo-sandbox/halo-sandbox.js'
import { startHaloSandbox } from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { ConfigError } from '../../../shared/errors.js'
import { createHaloClient } from '../../../shared/halo/halo-client.js'
import { useHaloSandbox } from '../../support/halo/halo-sandbox-fixture.js'
import { manualClock } from '../../support/halo/scripted-fetch.js'

const paths = (requests: { method: string; path: string; status: number }[]) =>
  requests.map((r) => `${r.path} ${r.status}`)

describe('createHaloClient against the sandbox: authentication', () => {
  const clock = manualClock()
  const halo = useHaloSandbox({ now: clock.now, tokenLifetimeSeconds: 120 })

  it('discovers the auth server, fetches one token and uses it', async () => {
    const client = halo.client({ now: clock.now })

    await client.createTicket({ summary: 'a' })
    await client.createTicket({ summary: 'b' })

    expect(paths(halo.sandbox.requests())).toEqual([
      'get /api/authinfo 200',
      'post /auth/token 200',
      'post /api/tickets 200',
      'post /api/tickets 200',
    ])
  })

  it('renews the token ahead of expiry without ever being refused', async () => {
    const client = halo.client({ now: clock.now })
    await client.createTicket({ summary: 'a' })

    clock.advance(100_000) // 20 s before the 120 s expiry: inside the renewal margin (30 s)
    await client.createTicket({ summary: 'b' })

    const statuses = paths(halo.sandbox.requests())
    expect(statuses.filter((p) => p === 'post /auth/token 200')).toHaveLength(2)
    expect(statuses.some((p) => p.endsWith(' 401'))).toBe(false)
  })

  it('renews once and retries once when a token expires early (401)', async () => {
    const client = halo.client({ now: clock.now })
    const ticket = await client.createTicket({ summary: 'a' })

    halo.sandbox.expireTokens()
    const read = await client.getTicket(ticket.id)

    expect(read.id).toBe(ticket.id)
    expect(paths(halo.sandbox.requests()).slice(-3)).toEqual([
      `get /api/tickets/${ticket.id} 401`,
      'post /auth/token 200',
      `get /api/tickets/${ticket.id} 200`,
    ])
  })

  it('treats a token that expired by the clock the same way', async () => {
    // The client's clock stands still, so it believes its token is fresh; the sandbox's moves on.
    const frozen = clock.now()
    const client = halo.client({ now: () => frozen })
    await client.listClients()
    const before = halo.sandbox.requests().length

    clock.advance(130_000)
    await client.listClients()

    expect(paths(halo.sandbox.requests().slice(before))).toEqual([
      'get /api/client 401',
      'post /auth/token 200',
      'get /api/client 200',
    ])
  })

  it('shares one token request among concurrent callers', async () => {
    const client = halo.client({ now: clock.now })

    await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.createTicket({ summary: `t${i}` })),
    )

    const tokenRequests = halo.sandbox.requests().filter((r) => r.path === 'post /auth/token')
    expect(tokenRequests).toHaveLength(1)
    expect(halo.sandbox.tickets()).toHaveLength(20)
  })

  it('renews once for many callers refused together after the token was revoked', async () => {
    const client = halo.client({ now: clock.now })
    await client.listClients()
    halo.sandbox.expireTokens()
    const before = halo.sandbox.requests().length

    await Promise.all(Array.from({ length: 10 }, () => client.listClients()))

    const after = halo.sandbox.requests().slice(before)
    expect(after.filter((r) => r.path === 'post /auth/token')).toHaveLength(1)
    expect(after.filter((r) => r.path === 'get /api/client' && r.status === 200)).toHaveLength(10)
  })

  it('reports wrong credentials as a non-retryable ConfigError naming invalid_client', async () => {
    const client = halo.client({ clientSecret: 'wrong', now: clock.now })

    const attempt = client.createTicket({ summary: 'a' })

    await expect(attempt).rejects.toBeInstanceOf(ConfigError)
    await expect(attempt).rejects.toThrow(/invalid_client/)
    expect(halo.sandbox.tickets()).toEqual([])
  })
})

describe('createHaloClient against a hosted-style sandbox with a tenant', () => {
  const halo = useHaloSandbox({ tenant: 'acme' })

  it('learns the tenant from /api/authinfo and sends it as ?tenant=', async () => {
    const ticket = await halo.client().createTicket({ summary: 'a' })

    expect(ticket.id).toBeTypeOf('number')
  })

  it('is refused without the tenant when discovery is off', async () => {
    const attempt = halo.client({ discover: false }).createTicket({ summary: 'a' })

    await expect(attempt).rejects.toBeInstanceOf(ConfigError)
  })

  it('works with the tenant configured and an explicit auth URL', async () => {
    const client = halo.client({ discover: false, tenant: 'acme', authUrl: `${halo.url}/auth` })

    await expect(client.listClients()).resolves.toMatchObject({ recordCount: 4 })
  })
})

describe('the sandbox mounted under a prefix', () => {
  it('serves token, API and board under /halo, and the client works against it', async () => {
    const sandbox = createHaloSandbox()
    const parent = new Hono()
    parent.route('/halo', sandbox.app)
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: parent.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    })
    try {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      const baseUrl = `http://127.0.0.1:${port}/halo`
      const client = createHaloClient({ baseUrl, ...SANDBOX_CREDENTIALS })

      const ticket = await client.createTicket({ summary: 'Mounted <ticket>' })
      const board = await fetch(`${baseUrl}/`)
      const html = await board.text()
      const bare = await fetch(baseUrl, { redirect: 'manual' })
      const state = await fetch(`${baseUrl}/sandbox/state`)

      expect(ticket.id).toBeTypeOf('number')
      expect(sandbox.requests().map((r) => r.path)).toContain('post /auth/token')
      expect(board.headers.get('content-type')).toMatch(/text\/html/)
      expect(html).toContain('Mounted &lt;ticket&gt;')
      expect(html).toContain('href="sandbox/state"')
      expect(bare.status).toBe(302)
      expect(bare.headers.get('location')).toBe('/halo/')
      expect(((await state.json()) as { tickets: unknown[] }).tickets).toHaveLength(1)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('also works behind app.mount, which strips the prefix from the request', async () => {
    const sandbox = createHaloSandbox()
    const parent = new Hono()
    parent.mount('/halo', sandbox.app.fetch)
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: parent.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
    })
    try {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      const baseUrl = `http://127.0.0.1:${port}/halo`
      const client = createHaloClient({ baseUrl, ...SANDBOX_CREDENTIALS })

      const info = (await (await fetch(`${baseUrl}/api/authinfo`)).json()) as { auth_url: string }
      const ticket = await client.createTicket({ summary: 'mounted' })

      expect(info.auth_url).toBe(`${baseUrl}/auth`)
      expect(ticket.id).toBeTypeOf('number')
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('starts alone on an ephemeral port with startHaloSandbox', async () => {
    const running = await startHaloSandbox()
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const client = createHaloClient({ baseUrl: running.url, ...SANDBOX_CREDENTIALS })
      await client.createTicket({ summary: 'alone' })
      expect(running.sandbox.tickets()).toHaveLength(1)
    } finally {
      await running.close()
    }
  })
})
