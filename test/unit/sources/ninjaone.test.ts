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

const SAMPLE = readFixture('ninjaone', 'condition-triggered.json')
const TOKEN = 'ninja-route-token'

/** The reset of the same condition: NinjaOne sends a new activity with statusCode RESET. */
const RESET = SAMPLE.replace('"id": 177210', '"id": 177344')
  .replace('"statusCode": "TRIGGERED"', '"statusCode": "RESET"')
  .replace('"status": "Triggered"', '"status": "Reset"')

const setup = (
  secret: RotatingSecret = { current: TOKEN },
  options: Record<string, unknown> = {},
) => {
  const { queue, post } = createSourceHarness({
    route: { source: 'ninjaone', auth: { type: 'header', header: 'x-ninja-token' }, options },
    secret,
    now: new Date('2026-03-01T10:00:00Z'),
  })
  return {
    queue,
    post: (body: string, token: string | null = TOKEN) =>
      post(body, { headers: token === null ? {} : { 'x-ninja-token': token } }),
  }
}

describe('ninjaone source', () => {
  it('accepts the captured TRIGGERED activity and enqueues one firing alert', async () => {
    const { queue, post } = setup()

    const res = await post(SAMPLE)

    expect(res.status).toBe(202)
    const [envelope, ...rest] = pendingAlerts(queue)
    expect(rest).toEqual([])
    expect(envelope).toMatchObject({ type: 'ninjaone.condition.triggered', deliveryId: '177210' })
    expect(envelope?.alert).toMatchObject({
      key: 'ninjaone:7:205b85b2-8a12-4123-834f-164be08b3314:_average_',
      status: 'firing',
      severity: 'medium',
      title: '192.168.50.43: Memory Utilization is greater than or equal to 80% for 5 minutes',
      resource: 'ccesxi03.cc.local',
      occurredAt: '2025-03-19T13:41:15.556Z',
      tenant: { id: '2', name: 'Country Consulting' },
      labels: { activityType: 'CONDITION', statusCode: 'TRIGGERED', location: 'Main Office' },
    })
  })

  it('resolves the same key when the condition resets', async () => {
    const { queue, post } = setup()

    await post(SAMPLE)
    const res = await post(RESET)

    expect(res.status).toBe(202)
    const [fired, reset] = pendingAlerts(queue)
    expect(reset?.type).toBe('ninjaone.condition.reset')
    expect(reset?.alert.status).toBe('resolved')
    expect(reset?.alert.key).toBe(fired?.alert.key)
  })

  it('maps NinjaOne severity words onto ours', async () => {
    const { queue, post } = setup()
    const body = SAMPLE.replace(
      '"type": "Condition",',
      '"type": "Condition",\n  "severity": "MAJOR",',
    )

    await post(body)

    expect(pendingAlerts(queue)[0]?.alert.severity).toBe('high')
  })

  it('acknowledges activities that are not conditions with 200 and a reason', async () => {
    const { queue, post } = setup()

    const res = await post(
      SAMPLE.replace('"activityType": "CONDITION"', '"activityType": "ACTIONSET"'),
    )

    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ignored: expect.stringContaining('ACTIONSET') })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('acknowledges condition statuses that neither fire nor reset with 200', async () => {
    const { queue, post } = setup()

    const res = await post(
      SAMPLE.replace('"statusCode": "TRIGGERED"', '"statusCode": "ACKNOWLEDGED"'),
    )

    expect(res.status).toBe(200)
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('rejects a wrong token with 401 and enqueues nothing', async () => {
    const { queue, post } = setup()

    const res = await post(SAMPLE, 'ninja-route-tokem')

    await expectRejected(res, queue, 401, 'auth_invalid')
  })

  it('rejects a request without the token header as signature_missing', async () => {
    const { queue, post } = setup()

    const res = await post(SAMPLE, null)

    await expectRejected(res, queue, 401, 'signature_missing')
  })

  it('accepts the previous token while a rotation is in flight', async () => {
    const { queue, post } = setup({ current: 'new-token', previous: TOKEN })

    expect((await post(SAMPLE)).status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('refuses a route without auth at config time: NinjaOne signs nothing', () => {
    expect(() => compileConfig({ routes: { r: { source: 'ninjaone' } } })).toThrow(ConfigError)
  })

  it('answers 422 when nothing identifies the alert', async () => {
    const { queue, post } = setup()
    const body = JSON.stringify({ activityType: 'CONDITION', statusCode: 'TRIGGERED' })

    const res = await post(body)

    await expectRejected(res, queue, 422)
  })

  it('yields the same envelope ids when NinjaOne redelivers the same activity', async () => {
    const first = await setup().post(SAMPLE)
    const second = await setup().post(SAMPLE)

    expect((await answer(first)).ids).toEqual((await answer(second)).ids)
  })
})
