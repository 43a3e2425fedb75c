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

const fixture = fixtureReader('uptimerobot')
const DOWN = fixture('monitor_down.json')
const UP = fixture('monitor_up.json')

const setup = (
  route: Record<string, unknown> = {},
  secret: RotatingSecret = { current: 'secret' },
) => {
  const { queue, post } = createSourceHarness({
    route: { source: 'uptimerobot', auth: { type: 'query', param: 'token' }, ...route },
    secret,
    now: new Date('2026-11-28T08:00:00Z'),
  })
  return {
    queue,
    post: (body: Body, query = '?token=secret', contentType = 'application/json') =>
      post(body, { query, headers: { 'content-type': contentType } }),
  }
}

describe('uptimerobot source', () => {
  it('fires an alert keyed by monitor id when a monitor goes down', async () => {
    const { queue, post } = setup()

    const response = await post(DOWN)

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
    const [envelope] = pendingAlerts(queue)
    expect(envelope).toMatchObject({
      source: 'uptimerobot',
      type: 'uptimerobot.monitor.down',
      alert: {
        key: 'monitor:784350743',
        status: 'firing',
        severity: 'high',
        title: 'ZUTesting is down',
        resource: '7d398dfc.ngrok.io',
        url: 'http://7d398dfc.ngrok.io',
        occurredAt: '2026-11-28T08:00:00.000Z',
      },
    })
    expect(envelope?.alert.description).toContain('HTTP 502 - Bad Gateway')
    // An unreplaced placeholder is no value.
    expect(envelope?.alert.description).not.toContain('*alertFriendlyDuration*')
  })

  it('resolves the same key when the monitor comes up, with the downtime', async () => {
    const { queue, post } = setup()

    await post(DOWN)
    await post(UP)

    const [, up] = pendingAlerts(queue)
    expect(up?.alert).toMatchObject({ key: 'monitor:784350743', status: 'resolved' })
    expect(up?.alert.description).toContain('Down for 1 minutes and 0 seconds')
  })

  it('reads the snake_case template, keying by monitor URL when there is no id', async () => {
    const { queue, post } = setup()

    const response = await post(fixture('uptimerobot_monitor_down.json'))

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      key: 'url:server1.example.com',
      status: 'firing',
      title: 'Web Server is down',
      resource: 'server1.example.com',
    })
  })

  it('reads a form-encoded POST value and the alert time', async () => {
    const { queue, post } = setup()
    const form = new URLSearchParams({
      monitorID: '784350743',
      monitorURL: 'https://shop.acme.example',
      monitorFriendlyName: 'Shop',
      alertType: '1',
      alertDetails: 'Connection Timeout',
      alertDateTime: '1795852800',
    })

    const response = await post(
      form.toString(),
      '?token=secret',
      'application/x-www-form-urlencoded',
    )

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      key: 'monitor:784350743',
      title: 'Shop is down',
      occurredAt: new Date(1795852800 * 1000).toISOString(),
    })
  })

  it('answers 200 with a reason for an alert type that is neither down nor up', async () => {
    const { queue, post } = setup()
    const ssl = DOWN.replace('"alertType": "1"', '"alertType": "3"')

    const response = await post(ssl)

    expect(response.status).toBe(200)
    expect((await answer(response)).ignored).toMatch(/alert type 3/)
    expect(pendingAlerts(queue)).toHaveLength(0)
  })

  it('rejects an alert naming no monitor with 422', async () => {
    const { queue, post } = setup()

    const response = await post(JSON.stringify({ alertType: '1', alertDetails: 'down' }))

    expect(response.status).toBe(422)
    expect((await answer(response)).detail).toContain('monitorID')
    expect(pendingAlerts(queue)).toHaveLength(0)
  })

  it('yields the same envelope ids when the same alert is delivered again', async () => {
    const { queue, post } = setup()

    await expectSameIdsWhenSentAgain(() => post(DOWN), queue, 1)
  })

  it('accepts the previous secret while a rotation is in flight', async () => {
    const { post } = setup({}, { current: 'new', previous: 'old' })

    expect((await post(DOWN, '?token=old')).status).toBe(202)
    expect((await post(UP, '?token=new')).status).toBe(202)
  })

  it.each([
    ['a wrong token', '?token=guess', 'auth_invalid'],
    ['no token', '', 'signature_missing'],
  ])('rejects %s with 401 and enqueues nothing', async (_case, query, code) => {
    const { queue, post } = setup()

    const response = await post(DOWN, query)

    await expectRejected(response, queue, 401, code)
  })

  it('rejects a body with one byte changed into invalid JSON with 400', async () => {
    const { queue, post } = setup()
    const body = Buffer.from(DOWN)
    body[body.length - 2] = 0x2c // the closing brace becomes a comma

    const response = await post(body)

    await expectRejected(response, queue, 400)
  })
})
