import { describe, expect, it } from 'vitest'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { ConfigError } from '../../../shared/errors.js'
import type { RotatingSecret } from '../../../shared/secrets/secret-store.js'
import { pendingAlerts } from '../../support/envelopes.js'
import {
  answer,
  createSourceHarness,
  expectRejected,
  readFixture,
} from '../../support/sources/source-harness.js'

const SAMPLE = readFixture('datto-rmm', 'alert-bridge-sample.json')
const TOKEN = 'datto-route-token'

/** The resolution payload Datto sends for the same alert when the monitor is given one. */
const resolvedFrom = (body: string, flag: string) =>
  body.replace('"platform": "Pinotage"', `"platform": "Pinotage",\n    "resolved": ${flag}`)

const setup = (secret: RotatingSecret = { current: TOKEN }) => {
  const { queue, post } = createSourceHarness({
    route: { source: 'datto-rmm', auth: { type: 'query', param: 'token' } },
    secret,
    now: new Date('2026-03-01T10:00:00Z'),
  })
  return {
    queue,
    post: (body: string, token: string | null = TOKEN) =>
      post(body, { query: token === null ? '' : `?token=${encodeURIComponent(token)}` }),
  }
}

describe('datto-rmm source', () => {
  it('accepts the published sample with the route token and enqueues one firing alert', async () => {
    const { queue, post } = setup()

    const res = await post(SAMPLE)

    expect(res.status).toBe(202)
    const [envelope, ...rest] = pendingAlerts(queue)
    expect(rest).toEqual([])
    expect(envelope?.type).toBe('datto-rmm.alert.triggered')
    expect(envelope?.alert).toMatchObject({
      key: 'datto-rmm:fa9b26c0-3761-4927-9412-e9f4a5db38d1',
      status: 'firing',
      severity: 'medium',
      title: "Process 'AdobeARMservice' isStopped",
      occurredAt: '2026-03-01T10:00:00.000Z',
      labels: { platform: 'Pinotage' },
    })
  })

  it.each(['true', '"true"'])(
    'resolves the same key when the resolution payload says resolved: %s',
    async (flag) => {
      const { queue, post } = setup()

      await post(SAMPLE)
      const res = await post(resolvedFrom(SAMPLE, flag))

      expect(res.status).toBe(202)
      const [fired, resolved] = pendingAlerts(queue)
      expect(resolved?.type).toBe('datto-rmm.alert.resolved')
      expect(resolved?.alert.status).toBe('resolved')
      expect(resolved?.alert.key).toBe(fired?.alert.key)
    },
  )

  it('maps the documented template fields: priority, host, site and time', async () => {
    const { queue, post } = setup()
    const body = JSON.stringify({
      alertUID: 'b1',
      alertMessage: 'Disk C: 95% full',
      priority: 'Critical',
      deviceHostname: 'FILE01',
      siteName: 'Acme Ltd',
      siteUid: 'site-9',
      timestamp: 1_740_000_000,
      resolved: false,
    })

    await post(body)

    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      severity: 'critical',
      status: 'firing',
      title: 'FILE01: Disk C: 95% full',
      resource: 'FILE01',
      tenant: { id: 'site-9', name: 'Acme Ltd' },
      occurredAt: '2025-02-19T21:20:00.000Z',
    })
  })

  it('rejects a wrong token with 401 and enqueues nothing', async () => {
    const { queue, post } = setup()

    const res = await post(SAMPLE, `${TOKEN}x`)

    await expectRejected(res, queue, 401, 'auth_invalid')
  })

  it('rejects a request without the token as signature_missing', async () => {
    const { queue, post } = setup()

    const res = await post(SAMPLE, null)

    await expectRejected(res, queue, 401, 'signature_missing')
  })

  it('accepts the previous token while a rotation is in flight', async () => {
    const { queue, post } = setup({ current: 'new-token', previous: TOKEN })

    const res = await post(SAMPLE)

    expect(res.status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('refuses a route without auth at config time: Datto signs nothing', () => {
    expect(() => compileConfig({ routes: { r: { source: 'datto-rmm' } } })).toThrow(ConfigError)
  })

  it('answers 422 naming alertUID when the payload lacks it', async () => {
    const { queue, post } = setup()

    const res = await post(SAMPLE.replace('"alertUID"', '"alertUid_"'))

    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ detail: expect.stringContaining('alertUID') })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('answers 400 for a body that is not JSON', async () => {
    const { queue, post } = setup()

    const res = await post(SAMPLE.slice(0, -1))

    await expectRejected(res, queue, 400, 'body_invalid')
  })

  it('yields the same envelope ids when the same alert is delivered twice', async () => {
    const first = await setup().post(SAMPLE)
    const second = await setup().post(SAMPLE)

    expect((await answer(first)).ids).toEqual((await answer(second)).ids)
  })
})
