import { describe, expect, it } from 'vitest'
import { compileConfig } from '../../../shared/config/compile-config.js'
import type { RotatingSecret } from '../../../shared/secrets/secret-store.js'
import { pendingAlerts } from '../../support/envelopes.js'
import {
  answer,
  type Body,
  bearer,
  createSourceHarness,
  expectRejected,
  fixtureReader,
} from '../../support/sources/source-harness.js'

const fixture = fixtureReader('alertmanager')

const NOW = new Date('2026-11-28T08:00:00Z')

const setup = (
  auth: Record<string, unknown> = { type: 'bearer' },
  secret: RotatingSecret = { current: 'secret' },
) => {
  const { queue, post } = createSourceHarness({
    route: { source: 'alertmanager', auth },
    secret,
    now: NOW,
  })
  return {
    queue,
    post: (body: Body, headers: Record<string, string> = {}) => post(body, { headers }),
  }
}

describe('alertmanager source', () => {
  it('enqueues one firing alert per element of alerts[], keyed by fingerprint', async () => {
    const { queue, post } = setup()

    const response = await post(fixture('alert.json'), bearer())

    expect(response.status).toBe(202)
    const envelopes = pendingAlerts(queue)
    expect(envelopes.map((envelope) => envelope.alert.key)).toEqual([
      'a1bc48475b20e73d',
      'c2ea85182f28cbd9',
    ])
    const [first] = envelopes
    expect(first).toMatchObject({
      source: 'alertmanager',
      type: 'alertmanager.notification',
      alert: {
        status: 'firing',
        severity: 'critical',
        title: 'High CPU core temperature',
        resource: 'andromeda',
        occurredAt: '2020-02-06T00:17:58.432Z',
        labels: { alertname: 'High CPU Temperature', host: 'andromeda', severity: 'critical' },
      },
    })
    expect(first?.alert.url).toMatch(/^http:\/\/cobalt:9090\/graph\?/)
    expect(first?.alert.description).toContain('CPU core temperature is 34.75C')
    expect(await answer(response)).toEqual({ accepted: 2, ids: envelopes.map((e) => e.id) })
  })

  it('marks a resolved alert resolved under the same key as when it fired', async () => {
    const { queue, post } = setup()

    const response = await post(fixture('single_alert.json'), bearer())

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue).map((envelope) => envelope.alert)).toMatchObject([
      { key: 'a1bc48475b20e73d', status: 'resolved' },
    ])
  })

  it('keys an alert without fingerprint by its sorted labels, whatever their order', async () => {
    const { queue, post } = setup()
    const payload = JSON.parse(fixture('single_alert.json'))
    delete payload.alerts[0].fingerprint
    const reordered = structuredClone(payload)
    reordered.alerts[0].labels = {
      severity: 'critical',
      host: 'andromeda',
      alertname: 'High CPU Temperature',
    }
    reordered.alerts[0].status = 'firing'
    payload.alerts[0].status = 'firing'

    await post(JSON.stringify(payload), bearer())
    await post(JSON.stringify(reordered, null, 1), bearer())

    const keys = pendingAlerts(queue).map((envelope) => envelope.alert.key)
    expect(keys[0]).toMatch(/^labels:[0-9a-f]{32}$/)
    expect(new Set(keys).size).toBe(1)
  })

  it('yields the same envelope ids when the same notification is delivered again', async () => {
    const first = setup()
    const second = setup()

    const a = await answer(await first.post(fixture('alert.json'), bearer()))
    const b = await answer(await second.post(fixture('alert.json'), bearer()))
    await first.post(fixture('alert.json'), bearer())

    expect(a.ids).toEqual(b.ids)
    expect(pendingAlerts(first.queue)).toHaveLength(2)
  })

  it('accepts the previous secret while a rotation is in flight', async () => {
    const { queue, post } = setup({ type: 'bearer' }, { current: 'new', previous: 'old' })

    expect((await post(fixture('alert.json'), bearer('old'))).status).toBe(202)
    expect((await post(fixture('single_alert.json'), bearer('new'))).status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(3)
  })

  it('accepts Basic auth as Alertmanager http_config sends it', async () => {
    const { queue, post } = setup({ type: 'basic', username: 'alertmanager' })
    const credentials = Buffer.from('alertmanager:secret').toString('base64')

    const response = await post(fixture('alert.json'), { authorization: `Basic ${credentials}` })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(2)
  })

  it.each([
    ['a wrong token', bearer('not-the-secret'), 'auth_invalid'],
    ['no authorization header', {}, 'signature_missing'],
    ['another scheme', { authorization: 'Token secret' }, 'auth_invalid'],
  ])('rejects %s with 401 and enqueues nothing', async (_case, headers, code) => {
    const { queue, post } = setup()

    const response = await post(fixture('alert.json'), headers)

    await expectRejected(response, queue, 401, code)
  })

  it('rejects a body with one byte changed into invalid JSON with 400', async () => {
    const { queue, post } = setup()
    const body = Buffer.from(fixture('alert.json'))
    body[0] = 0x5b // '{' becomes '['

    const response = await post(body, bearer())

    await expectRejected(response, queue, 400, 'body_invalid')
  })

  it('rejects an alert status it does not know with 422 naming the field', async () => {
    const { queue, post } = setup()
    const body = fixture('alert.json').replace(
      '"status": "firing",\n            "labels"',
      '"status": "burning",\n            "labels"',
    )

    const response = await post(body, bearer())

    expect(response.status).toBe(422)
    const rejection = await answer(response)
    expect(rejection.error).toBe('payload_invalid')
    expect(rejection.detail).toContain('alerts.0.status')
    expect(pendingAlerts(queue)).toHaveLength(0)
  })

  it('answers 200 with a reason when the group holds no alerts', async () => {
    const { queue, post } = setup()
    const payload = { ...JSON.parse(fixture('alert.json')), alerts: [] }

    const response = await post(JSON.stringify(payload), bearer())

    expect(response.status).toBe(200)
    expect((await answer(response)).ignored).toMatch(/no alerts/)
    expect(pendingAlerts(queue)).toHaveLength(0)
  })

  it('answers 503 and enqueues nothing when the queue refuses, so Alertmanager retries', async () => {
    const { queue, post } = setup()
    queue.setUnavailable(true)

    const response = await post(fixture('alert.json'), bearer())

    expect(response.status).toBe(503)
    queue.setUnavailable(false)
    expect(pendingAlerts(queue)).toHaveLength(0)
  })

  it('refuses a route without auth at config time', () => {
    expect(() => compileConfig({ routes: { r: { source: 'alertmanager' } } })).toThrow(
      /routes\.r\.auth: required/,
    )
  })
})
