import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { classifyFailure } from '../../../shared/delivery/failure-policy.js'
import { ConfigError, OutboundApiError, SourceReferenceError } from '../../../shared/errors.js'
import { startPagerDutyFake } from '../../support/outbound/pagerduty-fake.js'
import { rejectionOf, resolverFor } from '../../support/outbound/resolve-harness.js'

let pagerduty: Awaited<ReturnType<typeof startPagerDutyFake>>
beforeEach(async () => {
  pagerduty = await startPagerDutyFake()
  pagerduty.trigger('PT4KHLK')
})
afterEach(() => pagerduty.close())

const ALERT = { key: 'pagerduty:incident:PT4KHLK', labels: {}, title: 'CPU high' }

const resolver = (apiToken = pagerduty.token) =>
  resolverFor(
    { kind: 'pagerduty', from: 'oncall@example.com', baseUrl: pagerduty.url },
    { apiToken },
  )

describe('PagerDuty resolver (REST API v2 fake over HTTP)', () => {
  it('resolves the incident with the token, the From user, the version and a resolution note', async () => {
    const result = await resolver()(ALERT)

    expect(result).toEqual({ target: 'pagerduty', reference: 'PT4KHLK', outcome: 'resolved' })
    expect(pagerduty.incident('PT4KHLK')?.status).toBe('resolved')
    const [request] = pagerduty.requests
    expect(request).toMatchObject({
      method: 'PUT',
      path: '/incidents/PT4KHLK',
      headers: {
        authorization: `Token token=${pagerduty.token}`,
        from: 'oncall@example.com',
        accept: 'application/vnd.pagerduty+json;version=2',
        'content-type': 'application/json',
      },
    })
    expect(JSON.parse(request?.body ?? '')).toEqual({
      incident: {
        type: 'incident_reference',
        status: 'resolved',
        resolution: 'Halo ticket #1042 was closed by Sam Carter [halo-hooks ref halo-event-1]',
      },
    })
  })

  it('counts an incident already resolved (code 1001) as done, so a retry is harmless', async () => {
    await resolver()(ALERT)
    expect(await resolver()(ALERT)).toMatchObject({ outcome: 'already resolved' })
  })

  it('finds the incident in an incidentId label when the key is not a PagerDuty one', async () => {
    const alert = { key: 'other', labels: { incidentId: 'PT4KHLK' }, title: 't' }
    expect(await resolver()(alert)).toMatchObject({ reference: 'PT4KHLK' })
  })

  it.each([500, 502, 503])('defers a %i as retryable', async (status) => {
    pagerduty.failNext({ status, body: '{"error":{"message":"busy"}}' })
    const error = await rejectionOf(resolver()(ALERT))
    expect(error).toBeInstanceOf(OutboundApiError)
    expect(error).toMatchObject({ code: 'outbound_request_failed', retryable: true, status })
    expect(classifyFailure(error, 1).action).toBe('defer')
  })

  it('waits as long as a 429 asks, by Retry-After or by ratelimit-reset', async () => {
    pagerduty.failNext(
      { status: 429, headers: { 'retry-after': '30' }, body: '{"error":{"code":2020}}' },
      { status: 429, headers: { 'ratelimit-reset': '12' }, body: '{"error":{"code":2020}}' },
    )
    expect(await rejectionOf(resolver()(ALERT))).toMatchObject({
      retryable: true,
      retryAfterMs: 30_000,
    })
    expect(await rejectionOf(resolver()(ALERT))).toMatchObject({
      retryable: true,
      retryAfterMs: 12_000,
    })
    expect(await resolver()(ALERT)).toMatchObject({ outcome: 'resolved' })
  })

  it('parks a refused token with the reason, and leaves the incident open', async () => {
    const error = await rejectionOf(resolver('wrong-token')(ALERT))
    expect(error).toMatchObject({ code: 'outbound_credentials_refused', retryable: false })
    const action = classifyFailure(error, 1)
    expect(action).toMatchObject({ action: 'park' })
    expect(action.action === 'park' && action.reason).toContain(
      'outbound_credentials_refused: pagerduty PUT /incidents/{id} -> 401',
    )
    expect(action.action === 'park' && action.reason).not.toContain('wrong-token')
    expect(pagerduty.incident('PT4KHLK')?.status).toBe('triggered')
  })

  it('parks an unknown incident as permanent', async () => {
    const error = await rejectionOf(
      resolver()({ key: 'pagerduty:incident:NOPE', labels: {}, title: 't' }),
    )
    expect(error).toMatchObject({ code: 'outbound_request_failed', retryable: false, status: 404 })
  })

  it('refuses an alert that names no incident, without a request', async () => {
    const error = await rejectionOf(resolver()({ key: 'k', labels: {}, title: 't' }))
    expect(error).toBeInstanceOf(SourceReferenceError)
    expect(pagerduty.requests).toEqual([])
  })

  it('names a misspelt credential in the secret, never its value', async () => {
    const resolve = resolverFor(
      { kind: 'pagerduty', from: 'oncall@example.com', baseUrl: pagerduty.url },
      { apiTokn: 'secret-value' },
    )
    const error = await rejectionOf(resolve(ALERT))
    expect(error).toBeInstanceOf(ConfigError)
    expect(error.message).toContain(
      'resolveAtSource.monitoring.apiTokn: unknown key (did you mean "apiToken"?)',
    )
    expect(error.message).not.toContain('secret-value')
    expect(pagerduty.requests).toEqual([])
  })
})
