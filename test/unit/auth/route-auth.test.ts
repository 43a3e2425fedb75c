import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { verifyRouteAuth } from '../../../shared/auth/route-auth.js'
import { type RouteAuthInput, RouteAuthSchema } from '../../../shared/auth/route-auth-schema.js'
import type { InboundRequest } from '../../../shared/sources/webhook-source.js'

const body = Buffer.from('{"id":"a1","status":"firing"}')
const request = (headers: Record<string, string> = {}, query = ''): InboundRequest => ({
  method: 'POST',
  url: new URL(`http://localhost/hooks/r${query}`),
  headers,
  body,
})
const verify = (auth: RouteAuthInput, req: InboundRequest, secrets = ['s3cret']) =>
  verifyRouteAuth(RouteAuthSchema.parse(auth), req, secrets)
const digest = (secret: string, encoding: 'hex' | 'base64', bytes: Uint8Array = body) =>
  createHmac('sha256', secret).update(bytes).digest(encoding)

describe('verifyRouteAuth', () => {
  const hmacHex = { type: 'hmac', header: 'X-Signature', prefix: 'sha256=' } as const

  it('accepts an HMAC-SHA256 hex signature of the exact body, with prefix', () => {
    expect(
      verify(hmacHex, request({ 'x-signature': `sha256=${digest('s3cret', 'hex')}` })),
    ).toEqual({ ok: true })
  })

  it('accepts upper-case hex', () => {
    const header = `sha256=${digest('s3cret', 'hex').toUpperCase()}`
    expect(verify(hmacHex, request({ 'x-signature': header })).ok).toBe(true)
  })

  it('accepts a base64 signature when configured', () => {
    const auth = { type: 'hmac', header: 'x-sig', encoding: 'base64' } as const
    expect(verify(auth, request({ 'x-sig': digest('s3cret', 'base64') })).ok).toBe(true)
  })

  it('accepts the previous secret during a rotation', () => {
    const header = `sha256=${digest('old', 'hex')}`
    expect(verify(hmacHex, request({ 'x-signature': header }), ['new', 'old']).ok).toBe(true)
  })

  it.each([
    ['the header is missing', {}, 'signature_missing', 'x-signature is missing'],
    [
      'the prefix is wrong',
      { 'x-signature': `sha1=${digest('s3cret', 'hex')}` },
      'signature_invalid',
      'with prefix',
    ],
    [
      'the secret is wrong',
      { 'x-signature': `sha256=${digest('other', 'hex')}` },
      'signature_invalid',
      'does not match',
    ],
    [
      'another body was signed',
      {
        'x-signature': `sha256=${digest('s3cret', 'hex', Buffer.from('{"id":"a2","status":"firing"}'))}`,
      },
      'signature_invalid',
      'does not match',
    ],
  ])('rejects HMAC when %s, naming the rule', (_, headers, code, detail) => {
    const verdict = verify(hmacHex, request(headers))
    expect(verdict).toMatchObject({ ok: false, code })
    expect(verdict.ok === false && verdict.detail).toContain(detail)
  })

  it('never puts the computed or received signature in the detail', () => {
    const given = `sha256=${digest('other', 'hex')}`
    const verdict = verify(hmacHex, request({ 'x-signature': given }))
    const detail = verdict.ok ? '' : verdict.detail
    expect(detail).not.toContain(digest('other', 'hex'))
    expect(detail).not.toContain(digest('s3cret', 'hex'))
  })

  it.each([
    [{ type: 'bearer' }, { authorization: 'Bearer s3cret' }, '', true],
    [{ type: 'bearer' }, { authorization: 'bearer s3cret' }, '', true],
    [{ type: 'bearer' }, { authorization: 'Bearer nope' }, '', false],
    [{ type: 'bearer' }, { authorization: 'Basic czNjcmV0' }, '', false],
    [{ type: 'header', header: 'X-Api-Key' }, { 'x-api-key': 's3cret' }, '', true],
    [{ type: 'header', header: 'X-Api-Key' }, { 'x-api-key': 's3cre' }, '', false],
    [{ type: 'query', param: 'token' }, {}, '?token=s3cret', true],
    [{ type: 'query', param: 'token' }, {}, '?token=s3cret2', false],
    [
      { type: 'basic', username: 'halo' },
      { authorization: `Basic ${Buffer.from('halo:s3cret').toString('base64')}` },
      '',
      true,
    ],
    [
      { type: 'basic', username: 'halo' },
      { authorization: `Basic ${Buffer.from('root:s3cret').toString('base64')}` },
      '',
      false,
    ],
  ] as const)('%o with %o%s → %s', (auth, headers, query, ok) => {
    expect(verify(auth, request(headers, query)).ok).toBe(ok)
  })

  it.each([
    [{ type: 'bearer' }, 'authorization (Bearer) is missing'],
    [{ type: 'header', header: 'x-api-key' }, 'x-api-key is missing'],
    [{ type: 'query', param: 'token' }, 'query parameter token is missing'],
    [{ type: 'basic', username: 'u' }, 'authorization (Basic) is missing'],
  ] as const)('says which credential is missing for %o', (auth, detail) => {
    expect(verify(auth, request())).toEqual({
      ok: false,
      code: 'signature_missing',
      detail: expect.stringContaining(detail),
    })
  })

  it('refuses an unauthenticated route unless it is acknowledged in so many words', () => {
    expect(RouteAuthSchema.safeParse({ type: 'none' }).success).toBe(false)
    expect(
      verify({ type: 'none', acknowledge: 'anyone-who-knows-the-url-can-post' }, request()).ok,
    ).toBe(true)
  })
})
