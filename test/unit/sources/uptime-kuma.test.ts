import { describe, expect, it } from 'vitest'
import type { RotatingSecret } from '../../../shared/secrets/secret-store.js'
import { pendingAlerts } from '../../support/envelopes.js'
import {
  answer,
  type Body,
  bearer,
  createSourceHarness,
  expectRejected,
  expectSameIdsWhenSentAgain,
  fixtureReader,
} from '../../support/sources/source-harness.js'

const fixture = fixtureReader('uptime-kuma')
const DOWN = fixture('monitor-down.json')
const UP = fixture('monitor-up.json')

// `bearer()` is what Kuma sends with `{"Authorization": "Bearer secret"}` in "Additional Headers".
const setup = (
  route: Record<string, unknown> = {},
  secret: RotatingSecret = { current: 'secret' },
) => {
  const { app, queue, post } = createSourceHarness({
    route: { source: 'uptime-kuma', auth: { type: 'bearer' }, ...route },
    secret,
    now: new Date('2026-11-28T08:00:00Z'),
  })
  return {
    queue,
    post: (body: Body, headers: Record<string, string> = bearer()) => post(body, { headers }),
    /** Posts multipart form data as Kuma's form encoding does, with the bearer token. */
    postForm: (form: FormData) =>
      app.request('/hooks/r', { method: 'POST', body: form, headers: bearer() }),
  }
}

describe('uptime-kuma source', () => {
  it('fires an alert keyed by monitor id when a monitor goes down', async () => {
    const { queue, post } = setup()

    const response = await post(DOWN)

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
    expect(pendingAlerts(queue)[0]).toMatchObject({
      source: 'uptime-kuma',
      type: 'uptime-kuma.monitor.down',
      alert: {
        key: 'monitor:7',
        status: 'firing',
        severity: 'high',
        title: 'Acme / Customer portal is down',
        resource: 'portal.acme.example',
        url: 'https://portal.acme.example/health',
        occurredAt: '2026-11-28T07:41:12.513Z',
        tenant: { name: 'Acme Ltd' },
        labels: { customer: 'Acme Ltd', monitorType: 'http' },
      },
    })
    expect(pendingAlerts(queue)[0]?.alert.description).toContain('timeout of 48000ms exceeded')
  })

  it('resolves the same key when the monitor comes up', async () => {
    const { queue, post } = setup()

    await post(DOWN)
    await post(UP)

    expect(pendingAlerts(queue).map((envelope) => envelope.alert)).toMatchObject([
      { key: 'monitor:7', status: 'firing' },
      { key: 'monitor:7', status: 'resolved', title: 'Acme / Customer portal is up' },
    ])
  })

  it('uses the severity the route sets', async () => {
    const { queue, post } = setup({ options: { severity: 'critical' } })

    await post(DOWN)

    expect(pendingAlerts(queue)[0]?.alert.severity).toBe('critical')
  })

  it('reads the form-data encoding, with the JSON in the data field', async () => {
    const { queue, postForm } = setup()
    const form = new FormData()
    form.append('data', DOWN)

    const response = await postForm(form)

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({ key: 'monitor:7', status: 'firing' })
  })

  it('answers the "Test" button with 200 and a reason, enqueuing nothing', async () => {
    const { queue, post } = setup()
    const test = JSON.stringify({ heartbeat: null, monitor: null, msg: 'Halo Testing' })

    const response = await post(test)

    expect(response.status).toBe(200)
    expect((await answer(response)).ignored).toMatch(/Test/)
    expect(pendingAlerts(queue)).toHaveLength(0)
  })

  it.each([
    [2, /pending/],
    [3, /maintenance/],
  ])('ignores a heartbeat with status %i', async (status, reason) => {
    const { queue, post } = setup()

    const response = await post(DOWN.replace('"status":0', `"status":${status}`))

    expect(response.status).toBe(200)
    expect((await answer(response)).ignored).toMatch(reason)
    expect(pendingAlerts(queue)).toHaveLength(0)
  })

  it('yields the same envelope ids for the same notification sent twice', async () => {
    const { queue, post } = setup()

    await expectSameIdsWhenSentAgain(() => post(DOWN), queue, 1)
  })

  it('accepts the previous secret while a rotation is in flight', async () => {
    const { post } = setup({}, { current: 'new', previous: 'old' })

    expect((await post(DOWN, bearer('old'))).status).toBe(202)
    expect((await post(UP, bearer('new'))).status).toBe(202)
  })

  it.each([
    ['a wrong token', bearer('guess'), 'auth_invalid'],
    ['no authorization header', {}, 'signature_missing'],
  ])('rejects %s with 401 and enqueues nothing', async (_case, headers, code) => {
    const { queue, post } = setup()

    const response = await post(DOWN, headers)

    await expectRejected(response, queue, 401, code)
  })

  it('rejects a body with one byte changed into invalid JSON with 400', async () => {
    const { queue, post } = setup()
    const body = Buffer.from(DOWN)
    body[0] = 0x7d // '{' becomes '}'

    const response = await post(body)

    await expectRejected(response, queue, 400)
  })

  it('rejects a heartbeat status that is not a number with 422 naming the field', async () => {
    const { queue, post } = setup()

    const response = await post(DOWN.replace('"status":0', '"status":"down"'))

    expect(response.status).toBe(422)
    expect((await answer(response)).detail).toContain('heartbeat.status')
    expect(pendingAlerts(queue)).toHaveLength(0)
  })

  it('rejects form-data without a data field with 422', async () => {
    const { queue, postForm } = setup()
    const form = new FormData()
    form.append('payload', DOWN)

    const response = await postForm(form)

    await expectRejected(response, queue, 422)
  })
})
