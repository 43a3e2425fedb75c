import { describe, expect, it } from 'vitest'
import type { RotatingSecret } from '../../../shared/secrets/secret-store.js'
import { pendingAlerts } from '../../support/envelopes.js'
import {
  answer,
  type Body,
  createSourceHarness,
  expectRejected,
  expectSameIdsWhenSentAgain,
  fixtureReader,
} from '../../support/sources/source-harness.js'

const fixture = fixtureReader('azure-monitor')
const FIRED = fixture('common-alert-log-v2-fired.json')
const RESOLVED = fixture('common-alert-metric-resolved.json')

const setup = (
  auth: Record<string, unknown> = { type: 'query', param: 'token' },
  secret: RotatingSecret = { current: 'secret' },
) => {
  const { queue, post } = createSourceHarness({
    route: { source: 'azure-monitor', auth },
    secret,
    now: new Date('2026-11-28T08:00:00Z'),
  })
  return {
    queue,
    post: (body: Body, query = '?token=secret', headers: Record<string, string> = {}) =>
      post(body, { query, headers }),
  }
}

describe('azure-monitor source', () => {
  it('enqueues a Fired alert keyed by alertId, with its target, severity and subscription', async () => {
    const { queue, post } = setup()

    const response = await post(FIRED)

    expect(response.status).toBe(202)
    const [envelope] = pendingAlerts(queue)
    expect(pendingAlerts(queue)).toHaveLength(1)
    expect(envelope).toMatchObject({
      source: 'azure-monitor',
      type: 'azure-monitor.fired',
      alert: {
        key: '/subscriptions/12345a-1234b-123c-123d-12345678e/providers/Microsoft.AlertsManagement/alerts/12345a-1234b-123c-123d-12345678e',
        status: 'firing',
        severity: 'low',
        title: 'AcmeRule on testvm',
        resource: 'testvm',
        occurredAt: '2020-07-09T14:04:49.996Z',
        tenant: { id: '12345a-1234b-123c-123d-12345678e' },
        labels: { alertRule: 'AcmeRule', signalType: 'Log', monitoringService: 'Log Alerts V2' },
      },
    })
    expect(envelope?.alert.description).toContain('log alert rule V2')
    expect(envelope?.alert.url).toMatch(
      /^https:\/\/portal\.azure\.com\/#view\/Microsoft_Azure_Monitoring_Alerts\/.+%2Fsubscriptions%2F12345a/,
    )
  })

  it('enqueues a Resolved alert as resolved, at its resolvedDateTime', async () => {
    const { queue, post } = setup()

    const response = await post(RESOLVED)

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]).toMatchObject({
      type: 'azure-monitor.resolved',
      alert: {
        status: 'resolved',
        severity: 'medium',
        title: 'WCUS-R2-Gen2 on wcus-r2-gen2',
        resource: 'wcus-r2-gen2',
        occurredAt: '2019-03-22T14:03:16.224Z',
      },
    })
  })

  it('gives the Fired and the Resolved notification of one alert the same key', async () => {
    const { queue, post } = setup()

    await post(FIRED)
    await post(FIRED.replace('"monitorCondition": "Fired"', '"monitorCondition": "Resolved"'))

    const [fired, resolved] = pendingAlerts(queue)
    expect(resolved?.alert.key).toBe(fired?.alert.key)
    expect([fired?.alert.status, resolved?.alert.status]).toEqual(['firing', 'resolved'])
    expect(resolved?.id).not.toBe(fired?.id)
  })

  it('keeps the custom properties as labels and reads a customer name from them', async () => {
    const { queue, post } = setup()
    const payload = JSON.parse(FIRED)
    payload.data.customProperties = { customer: 'Contoso', Key2: 'Value2' }

    await post(JSON.stringify(payload))

    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      tenant: { id: '12345a-1234b-123c-123d-12345678e', name: 'Contoso' },
      labels: { customer: 'Contoso', Key2: 'Value2' },
    })
  })

  it('yields the same envelope ids when Azure retries the same notification', async () => {
    const { queue, post } = setup()

    await expectSameIdsWhenSentAgain(() => post(FIRED), queue, 1)
  })

  it('accepts Basic credentials given in the webhook URI', async () => {
    const { queue, post } = setup({ type: 'basic', username: 'azure' })
    const authorization = `Basic ${Buffer.from('azure:secret').toString('base64')}`

    expect((await post(FIRED, '', { authorization })).status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('accepts the previous secret while a rotation is in flight', async () => {
    const { post } = setup(undefined, { current: 'new', previous: 'old' })

    expect((await post(FIRED, '?token=old')).status).toBe(202)
    expect((await post(RESOLVED, '?token=new')).status).toBe(202)
  })

  it.each([
    ['a wrong token', '?token=guess', 'auth_invalid'],
    ['no token', '', 'signature_missing'],
    ['the token under another name', '?code=secret', 'signature_missing'],
  ])('rejects %s with 401 and enqueues nothing', async (_case, query, code) => {
    const { queue, post } = setup()

    const response = await post(FIRED, query)

    await expectRejected(response, queue, 401, code)
  })

  it('rejects a body with one byte changed into invalid JSON with 400', async () => {
    const { queue, post } = setup()
    const body = Buffer.from(FIRED)
    body[body.length - 2] = 0x2c // the closing brace becomes a comma

    const response = await post(body)

    await expectRejected(response, queue, 400)
  })

  it('rejects an alert without the common schema with 422 naming schemaId', async () => {
    const { queue, post } = setup()
    const legacy = FIRED.replace('azureMonitorCommonAlertSchema', 'AzureMonitorMetricAlert')

    const response = await post(legacy)

    expect(response.status).toBe(422)
    expect((await answer(response)).detail).toMatch(/schemaId: .*common alert schema/)
    expect(pendingAlerts(queue)).toHaveLength(0)
  })

  it('rejects a monitor condition it does not know with 422 naming the field', async () => {
    const { queue, post } = setup()

    const response = await post(FIRED.replace('"Fired"', '"Acknowledged"'))

    expect(response.status).toBe(422)
    expect((await answer(response)).detail).toContain('data.essentials.monitorCondition')
    expect(pendingAlerts(queue)).toHaveLength(0)
  })
})
