import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signRequest } from '../../../local/sign-request.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import type { RotatingSecret } from '../../../shared/secrets/secret-store.js'
import { pendingAlerts } from '../../support/envelopes.js'
import {
  answer,
  type Body,
  createSourceHarness,
  expectRejected,
  readFixtureBytes,
} from '../../support/sources/source-harness.js'

const fixture = (name: string) => readFixtureBytes('grafana', name)

const NOW = new Date('2026-11-28T08:00:00Z')
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000)

const setup = (route: Record<string, unknown>, secret: RotatingSecret = { current: 'secret' }) => {
  const { queue, post } = createSourceHarness({
    route: { source: 'grafana', ...route },
    secret,
    now: NOW,
  })
  return { queue, post: (body: Body, headers: Record<string, string>) => post(body, { headers }) }
}

/** Grafana's documented scheme, written out independently of the source: hex HMAC-SHA256. */
const sign = (secret: string, body: Uint8Array | string, timestamp?: number) => {
  const mac = createHmac('sha256', secret)
  if (timestamp !== undefined) mac.update(`${timestamp}:`)
  return mac.update(body).digest('hex')
}

const PLAIN = { options: { hmac: {} } }
const TIMESTAMPED = {
  options: {
    hmac: {
      header: 'X-Grafana-Alerting-Signature',
      timestampHeader: 'X-Grafana-Alerting-Timestamp',
    },
  },
}

/** A valid timestamped request, from which each test breaks one thing. */
const timestamped = (body: Uint8Array, secret = 'secret', timestamp = NOW_SECONDS) => ({
  'x-grafana-alerting-signature': sign(secret, body, timestamp),
  'x-grafana-alerting-timestamp': String(timestamp),
})

describe('grafana source', () => {
  it('accepts a body signed with HMAC in the default header and enqueues one alert per alert', async () => {
    const { queue, post } = setup(PLAIN)
    const body = fixture('alert-9.json')

    const response = await post(body, { 'x-grafana-alert-signature': sign('secret', body) })

    expect(response.status).toBe(202)
    const [envelope] = pendingAlerts(queue)
    expect(pendingAlerts(queue)).toHaveLength(1)
    expect(envelope).toMatchObject({
      source: 'grafana',
      type: 'grafana.notification',
      alert: {
        key: 'd8a21484c9c25a60',
        status: 'firing',
        title: 'This is a summary field, failure on some_host',
        url: 'https://grafana.example.com/alerting/grafana/zTjxv_C7k/view',
        occurredAt: '2022-06-17T00:41:00.782Z',
        labels: { alertname: 'Test alert', test: 'true' },
      },
    })
    expect(envelope?.alert.description).toContain('Silence: https://grafana.example.com/')
    expect(envelope?.alert.description).toContain("Value: [ var='B0'")
  })

  it('marks the resolved notification resolved under the key it fired with', async () => {
    const { queue, post } = setup(PLAIN)
    const body = fixture('alert-9-resolved.json')

    const response = await post(body, { 'x-grafana-alert-signature': sign('secret', body) })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      key: 'd8a21484c9c25a60',
      status: 'resolved',
      occurredAt: '2022-06-17T00:51:24.067Z',
    })
  })

  it('verifies a timestamped signature in configured header names (Grafana 11 payload)', async () => {
    const { queue, post } = setup(TIMESTAMPED)
    const body = fixture('alert_values_v11.json')

    const response = await post(body, timestamped(body))

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      key: 'e6349a25f5ef0e9e',
      status: 'firing',
      title: 'High memory usage',
    })
  })

  it('accepts the signature in upper-case hex', async () => {
    const { post } = setup(PLAIN)
    const body = fixture('alert-9.json')

    const response = await post(body, {
      'x-grafana-alert-signature': sign('secret', body).toUpperCase(),
    })

    expect(response.status).toBe(202)
  })

  it('accepts the previous secret while a rotation is in flight', async () => {
    const { post } = setup(TIMESTAMPED, { current: 'new', previous: 'old' })
    const body = fixture('alert_values_v11.json')

    expect((await post(body, timestamped(body, 'old'))).status).toBe(202)
    expect((await post(body, timestamped(body, 'new'))).status).toBe(202)
  })

  const body = fixture('alert_values_v11.json')
  const changedBody = Buffer.from(body)
  changedBody[changedBody.indexOf('2473545728')] = 0x33 // one digit of a value
  const valid = timestamped(body)
  it.each([
    ['one byte of the body changed', changedBody, valid, 'signature_invalid'],
    [
      'the signature changed',
      body,
      {
        ...valid,
        'x-grafana-alerting-signature': `0${valid['x-grafana-alerting-signature'].slice(1)}`,
      },
      'signature_invalid',
    ],
    [
      'the timestamp changed after signing',
      body,
      { ...valid, 'x-grafana-alerting-timestamp': String(NOW_SECONDS - 1) },
      'signature_invalid',
    ],
    ['a wrong secret', body, timestamped(body, 'not-the-secret'), 'signature_invalid'],
    [
      'a timestamp 301 s old',
      body,
      timestamped(body, 'secret', NOW_SECONDS - 301),
      'timestamp_invalid',
    ],
    [
      'a timestamp 301 s ahead',
      body,
      timestamped(body, 'secret', NOW_SECONDS + 301),
      'timestamp_invalid',
    ],
    [
      'a timestamp that is not a number',
      body,
      { ...valid, 'x-grafana-alerting-timestamp': 'yesterday' },
      'timestamp_invalid',
    ],
    [
      'no signature header',
      body,
      { 'x-grafana-alerting-timestamp': String(NOW_SECONDS) },
      'signature_missing',
    ],
    [
      'no timestamp header',
      body,
      { 'x-grafana-alerting-signature': valid['x-grafana-alerting-signature'] },
      'signature_missing',
    ],
  ])('rejects %s with 401 and enqueues nothing', async (_case, sent, headers, code) => {
    const { queue, post } = setup(TIMESTAMPED)

    const response = await post(sent, headers)

    await expectRejected(response, queue, 401, code)
  })

  it('accepts a timestamp 300 s old, the edge of the tolerance', async () => {
    const { post } = setup(TIMESTAMPED)

    const response = await post(body, timestamped(body, 'secret', NOW_SECONDS - 300))

    expect(response.status).toBe(202)
  })

  it('yields the same envelope ids when Grafana redelivers with a new timestamp', async () => {
    const { queue, post } = setup(TIMESTAMPED)

    const first = await answer(await post(body, timestamped(body)))
    const again = await answer(await post(body, timestamped(body, 'secret', NOW_SECONDS - 60)))

    expect(again.ids).toEqual(first.ids)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('uses the route auth instead when the route sets one (Basic auth in Grafana)', async () => {
    const { queue, post } = setup({ auth: { type: 'basic', username: 'grafana' } })
    const good = `Basic ${Buffer.from('grafana:secret').toString('base64')}`
    const bad = `Basic ${Buffer.from('grafana:guess').toString('base64')}`

    expect((await post(fixture('alert-9.json'), { authorization: bad })).status).toBe(401)
    expect(pendingAlerts(queue)).toHaveLength(0)
    expect((await post(fixture('alert-9.json'), { authorization: good })).status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('is signed by the npm run send signer in a way the source accepts', async () => {
    const { queue, post } = setup(TIMESTAMPED)
    const { routes } = compileConfig({ routes: { r: { source: 'grafana', ...TIMESTAMPED } } })
    const route = routes.get('r')
    if (!route) throw new Error('route r did not compile')
    const sent = fixture('alert-9.json').toString('utf8')

    const signed = signRequest(route, {
      body: sent,
      secret: 'secret',
      url: new URL('http://localhost/hooks/r'),
      now: NOW,
    })

    expect((await post(sent, signed.headers)).status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('refuses, at load time, a route that sets neither hmac nor auth', () => {
    expect(() => setup({})).toThrow(/routes\.r\.auth: required/)
  })

  it('checks both the HMAC and the route auth when a route sets both', async () => {
    const { queue, post } = setup({
      options: { hmac: {} },
      auth: { type: 'header', header: 'x-token' },
    })
    const sent = fixture('alert-9.json')
    const signature = { 'x-grafana-alert-signature': sign('secret', sent) }

    expect((await post(sent, signature)).status).toBe(401)
    expect((await post(sent, { 'x-token': 'secret' })).status).toBe(401)
    expect(pendingAlerts(queue)).toHaveLength(0)
    expect((await post(sent, { ...signature, 'x-token': 'secret' })).status).toBe(202)
  })

  describe('test notifications', () => {
    const testNotification = Buffer.from(
      JSON.stringify({
        receiver: 'halo',
        status: 'firing',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'TestAlert', instance: 'Grafana' },
            annotations: { summary: 'Notification test' },
            startsAt: '2026-11-28T07:59:00Z',
            endsAt: '0001-01-01T00:00:00Z',
            fingerprint: '57c6d9296de2ad39',
          },
        ],
        version: '1',
        orgId: 1,
        state: 'alerting',
      }),
    )
    const signed = { 'x-grafana-alert-signature': sign('secret', testNotification) }

    it('answers 200 with a reason and enqueues nothing', async () => {
      const { queue, post } = setup(PLAIN)

      const response = await post(testNotification, signed)

      expect(response.status).toBe(200)
      expect((await answer(response)).ignored).toMatch(/test notification/)
      expect(pendingAlerts(queue)).toHaveLength(0)
    })

    it('enqueues it when the route asks for test notifications', async () => {
      const { queue, post } = setup({ options: { hmac: {}, acceptTestNotifications: true } })

      expect((await post(testNotification, signed)).status).toBe(202)
      expect(pendingAlerts(queue)).toHaveLength(1)
    })
  })

  it('rejects a legacy (pre-unified alerting) body with 422 naming alerts', async () => {
    const { queue, post } = setup(PLAIN)
    const legacy = JSON.stringify({ title: '[Alerting] CPU', ruleId: 1, state: 'alerting' })

    const response = await post(legacy, { 'x-grafana-alert-signature': sign('secret', legacy) })

    expect(response.status).toBe(422)
    expect((await answer(response)).detail).toContain('alerts')
    expect(pendingAlerts(queue)).toHaveLength(0)
  })
})
