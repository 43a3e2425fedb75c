import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { classifyFailure } from '../../../shared/delivery/failure-policy.js'
import { OutboundApiError } from '../../../shared/errors.js'
import { json, scriptedFetch } from '../../support/halo/scripted-fetch.js'
import { startDattoRmmFake } from '../../support/outbound/datto-rmm-fake.js'
import { rejectionOf, resolverFor } from '../../support/outbound/resolve-harness.js'

let datto: Awaited<ReturnType<typeof startDattoRmmFake>>
beforeEach(async () => {
  datto = await startDattoRmmFake()
  datto.raise('a1b2c3')
  datto.raise('d4e5f6')
})
afterEach(() => datto.close())

const alert = (uid: string) => ({ key: `datto-rmm:${uid}`, labels: {}, title: 'Disk' })

const resolver = (apiSecret = datto.apiSecret) =>
  resolverFor({ kind: 'datto-rmm', apiUrl: datto.url }, { apiKey: datto.apiKey, apiSecret })

const paths = () => datto.requests.map(({ method, path }) => `${method} ${path}`)

describe('Datto RMM resolver (API v2 fake over HTTP)', () => {
  it('gets a token with the password grant, then resolves the alert with it', async () => {
    expect(await resolver()(alert('a1b2c3'))).toEqual({
      target: 'datto-rmm',
      reference: 'a1b2c3',
      outcome: 'resolved',
    })
    expect(datto.isResolved('a1b2c3')).toBe(true)
    const [token, resolve] = datto.requests
    expect(token).toMatchObject({
      method: 'POST',
      path: '/auth/oauth/token',
      headers: {
        authorization: `Basic ${Buffer.from('public-client:public').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
    })
    expect(Object.fromEntries(new URLSearchParams(token?.body))).toEqual({
      grant_type: 'password',
      username: datto.apiKey,
      password: datto.apiSecret,
    })
    expect(resolve).toMatchObject({
      method: 'POST',
      path: '/api/v2/alert/a1b2c3/resolve',
      headers: { authorization: 'Bearer datto-token-1' },
      body: '',
    })
  })

  it('keeps the token for later calls', async () => {
    const resolve = resolver()
    await resolve(alert('a1b2c3'))
    await resolve(alert('d4e5f6'))
    expect(datto.tokensIssued()).toBe(1)
    expect(paths()).toEqual([
      'POST /auth/oauth/token',
      'POST /api/v2/alert/a1b2c3/resolve',
      'POST /api/v2/alert/d4e5f6/resolve',
    ])
  })

  it('renews a token Datto no longer accepts, once, and resolves', async () => {
    const resolve = resolver()
    await resolve(alert('a1b2c3'))
    datto.expireTokens()
    expect(await resolve(alert('d4e5f6'))).toMatchObject({ outcome: 'resolved' })
    expect(datto.tokensIssued()).toBe(2)
  })

  it('counts an alert already resolved (409) as done', async () => {
    await resolver()(alert('a1b2c3'))
    expect(await resolver()(alert('a1b2c3'))).toMatchObject({ outcome: 'already resolved' })
  })

  it('parks a wrong API secret (invalid_grant) as refused credentials, without calling the API', async () => {
    const error = await rejectionOf(resolver('wrong-secret')(alert('a1b2c3')))
    expect(error).toBeInstanceOf(OutboundApiError)
    expect(error).toMatchObject({ code: 'outbound_credentials_refused', retryable: false })
    expect(classifyFailure(error, 1).action).toBe('park')
    expect(error.message).not.toContain('wrong-secret')
    expect(paths()).toEqual(['POST /auth/oauth/token'])
  })

  it('defers a 500 and a 429 with the wait Datto names', async () => {
    const resolve = resolver()
    await resolve(alert('a1b2c3')) // a token first, so the faults hit the resolve call
    datto.failNext({ status: 500 }, { status: 429, headers: { 'retry-after': '60' } })
    expect(await rejectionOf(resolve(alert('d4e5f6')))).toMatchObject({
      code: 'outbound_request_failed',
      retryable: true,
      status: 500,
    })
    expect(await rejectionOf(resolve(alert('d4e5f6')))).toMatchObject({
      retryable: true,
      retryAfterMs: 60_000,
    })
    expect(await resolve(alert('d4e5f6'))).toMatchObject({ outcome: 'resolved' })
  })

  it('parks a 403 (Datto blocks an IP that kept retrying) as refused', async () => {
    const resolve = resolver()
    await resolve(alert('a1b2c3'))
    datto.failNext({ status: 403 })
    expect(await rejectionOf(resolve(alert('d4e5f6')))).toMatchObject({
      code: 'outbound_credentials_refused',
      retryable: false,
    })
  })

  it("reaches the platform's API host when the route names a platform", async () => {
    const { fetch, calls } = scriptedFetch((call) =>
      call.url.pathname.endsWith('/token')
        ? json({ access_token: 't', expires_in: 360_000 })
        : new Response(null, { status: 200 }),
    )
    const resolve = resolverFor(
      { kind: 'datto-rmm', platform: 'merlot' },
      { apiKey: 'k', apiSecret: 's' },
      { fetch },
    )
    await resolve(alert('a1b2c3'))
    expect(calls.map((call) => call.url.href)).toEqual([
      'https://merlot-api.centrastage.net/auth/oauth/token',
      'https://merlot-api.centrastage.net/api/v2/alert/a1b2c3/resolve',
    ])
  })
})
