import { describe, expect, it } from 'vitest'
import { OutboundApiError } from '../../../shared/errors.js'
import { sendOutbound } from '../../../shared/outbound/outbound-request.js'
import { scriptedFetch } from '../../support/halo/scripted-fetch.js'

const NOW = Date.parse('2026-11-28T12:00:00Z')

const request = {
  target: 'pagerduty',
  endpoint: 'PUT /incidents/{id}',
  method: 'PUT',
  url: 'https://api.pagerduty.test/incidents/P1',
  headers: { authorization: 'Token token=secret-token' },
} as const

const failureOf = async (answer: Response | Error, timeoutMs = 1_000) => {
  const { fetch } = scriptedFetch(() => answer)
  try {
    await sendOutbound(request, { fetch, timeoutMs, now: () => NOW })
  } catch (error) {
    return error as OutboundApiError
  }
  throw new Error('expected a failure')
}

describe('sendOutbound', () => {
  it.each([
    [500, 'outbound_request_failed', true],
    [502, 'outbound_request_failed', true],
    [503, 'outbound_request_failed', true],
    [408, 'outbound_request_failed', true],
    [429, 'outbound_request_failed', true],
    [400, 'outbound_request_failed', false],
    [404, 'outbound_request_failed', false],
    [410, 'outbound_request_failed', false],
    [401, 'outbound_credentials_refused', false],
    [403, 'outbound_credentials_refused', false],
  ])('classifies %i as %s (retryable: %s)', async (status, code, retryable) => {
    const error = await failureOf(new Response('nope', { status }))
    expect(error).toBeInstanceOf(OutboundApiError)
    expect(error).toMatchObject({ code, retryable, status, target: 'pagerduty' })
  })

  it('reads Retry-After as seconds or as a date', async () => {
    const seconds = await failureOf(
      new Response('', { status: 429, headers: { 'retry-after': '7' } }),
    )
    expect(seconds.retryAfterMs).toBe(7_000)
    const date = await failureOf(
      new Response('', {
        status: 503,
        headers: { 'retry-after': new Date(NOW + 90_000).toUTCString() },
      }),
    )
    expect(date.retryAfterMs).toBe(90_000)
  })

  it('treats a lost connection and a timeout as retryable, with no status', async () => {
    const lost = await failureOf(new TypeError('fetch failed'))
    expect(lost).toMatchObject({
      retryable: true,
      status: undefined,
      code: 'outbound_request_failed',
    })
    const { fetch } = scriptedFetch(
      (call) =>
        new Promise((_, reject) =>
          call.signal?.addEventListener('abort', () => reject(call.signal?.reason)),
        ),
    )
    const slow = await sendOutbound(request, { fetch, timeoutMs: 20 }).catch((error) => error)
    expect(slow).toMatchObject({ retryable: true, status: undefined })
    expect(slow.message).toContain('no answer within 20 ms')
  })

  it('keeps the token out of the message', async () => {
    const error = await failureOf(new Response('{"error":{"code":2006}}', { status: 401 }))
    expect(error.message).toBe('pagerduty PUT /incidents/{id} -> 401: {"error":{"code":2006}}')
    expect(error.message).not.toContain('secret-token')
  })

  it('returns an answer the caller accepts although it is not 2xx', async () => {
    const { fetch } = scriptedFetch(() => new Response('already', { status: 409 }))
    const response = await sendOutbound(
      { ...request, accept: (status) => status === 409 },
      { fetch },
    )
    expect(response).toMatchObject({ status: 409, text: 'already' })
  })
})
