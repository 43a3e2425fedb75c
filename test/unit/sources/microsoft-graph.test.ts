import { describe, expect, it } from 'vitest'
import type { RotatingSecret } from '../../../shared/secrets/secret-store.js'
import { pendingAlerts } from '../../support/envelopes.js'
import {
  answer,
  createSourceHarness,
  expectRejected,
  fixtureReader,
} from '../../support/sources/source-harness.js'

const fixture = fixtureReader('microsoft-graph')

const CHANGE = fixture('change-notification.json')
const CHANGE_SECRET = 'secretClientValue' // the clientState the published sample carries

const setup = (
  /** `null` configures no secret at all (a default parameter would replace `undefined`). */
  secret: RotatingSecret | null = { current: CHANGE_SECRET },
  options: Record<string, unknown> = {},
) => {
  const { queue, post } = createSourceHarness({
    route: { source: 'microsoft-graph', options },
    secret: secret ?? undefined,
    now: new Date('2026-03-01T10:00:00Z'),
  })
  return { queue, post: (body: string, query = '') => post(body, { query }) }
}

describe('microsoft-graph source', () => {
  it('echoes the validationToken as text/plain before any secret is checked', async () => {
    // Prepare: no secret configured at all, as when the subscription is first created
    const { queue, post } = setup(null)
    const token =
      'Validation: Testing client application reachability for subscription Request-Id: 0ab'

    // Act
    const res = await post('', `?validationToken=${encodeURIComponent(token)}`)

    // Assess
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    expect(await res.text()).toBe(token)
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('does not echo an oversized validationToken: the request then needs a clientState', async () => {
    const { queue, post } = setup()

    const res = await post('', `?validationToken=${'a'.repeat(5000)}`)

    await expectRejected(res, queue, 401)
  })

  it('accepts a change notification whose clientState matches and enqueues one alert', async () => {
    const { queue, post } = setup()

    const res = await post(CHANGE)

    expect(res.status).toBe(202)
    const [envelope, ...rest] = pendingAlerts(queue)
    expect(rest).toEqual([])
    expect(envelope?.type).toBe('microsoft-graph.change')
    expect(envelope?.alert).toMatchObject({
      key: 'graph:{subscription_guid}:{long_id_string}',
      status: 'firing',
      severity: 'medium',
      title: 'Microsoft Graph: Microsoft.Graph.Message created',
      resource: 'users/{user_guid}@{tenant_guid}/messages/{long_id_string}',
      tenant: { id: '84bd8158-6d4d-4958-8b9f-9d6445542f95' },
      labels: { changeType: 'created', subscriptionId: '{subscription_guid}' },
    })
    expect(await res.json()).toEqual({ accepted: 1, ids: [envelope?.id] })
  })

  it('resolves the same key when the item is deleted', async () => {
    const { queue, post } = setup()

    await post(CHANGE)
    await post(CHANGE.replace('"changeType":"created"', '"changeType":"deleted"'))

    const [created, deleted] = pendingAlerts(queue)
    expect(deleted?.alert.status).toBe('resolved')
    expect(deleted?.alert.key).toBe(created?.alert.key)
  })

  it('rejects a clientState with one byte changed, and enqueues nothing', async () => {
    const { queue, post } = setup()

    const res = await post(CHANGE.replace('secretClientValue', 'secretClientValuf'))

    await expectRejected(res, queue, 401, 'signature_invalid')
  })

  it('rejects the published sample when the route has another secret', async () => {
    const { queue, post } = setup({ current: 'another-secret' })

    const res = await post(CHANGE)

    await expectRejected(res, queue, 401)
  })

  it('rejects a notification without clientState as signature_missing', async () => {
    const { queue, post } = setup()

    const res = await post(CHANGE.replace('"clientState":"secretClientValue",', ''))

    await expectRejected(res, queue, 401, 'signature_missing')
  })

  it('rejects a whole batch when one notification carries a foreign clientState', async () => {
    const { queue, post } = setup()
    const sample = JSON.parse(CHANGE) as { value: Record<string, unknown>[] }
    const forged = { ...sample.value[0], id: 'other', clientState: 'guess' }
    const body = JSON.stringify({ value: [sample.value[0], forged] })

    const res = await post(body)

    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: 'signature_invalid', detail: /value\.1/ })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('accepts the previous secret while a rotation is in flight', async () => {
    const { queue, post } = setup({ current: 'rotated-secret', previous: CHANGE_SECRET })

    const res = await post(CHANGE)

    expect(res.status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('yields the same envelope ids when Graph redelivers the same notification', async () => {
    const first = await setup().post(CHANGE)
    const second = await setup().post(CHANGE)

    expect((await answer(first)).ids).toEqual((await answer(second)).ids)
  })

  it.each([
    ['lifecycle-subscription-removed.json', '<secretClientState>', 'subscriptionRemoved', 'high'],
    ['lifecycle-missed.json', '<secretClientState>', 'missed', 'low'],
    [
      'lifecycle-reauthorization-required.json',
      '{secret client state}',
      'reauthorizationRequired',
      'medium',
    ],
  ])('turns %s into an operator alert', async (file, secret, event, severity) => {
    const { queue, post } = setup({ current: secret })

    const res = await post(fixture(file))

    expect(res.status).toBe(202)
    const [envelope] = pendingAlerts(queue)
    expect(envelope?.type).toBe('microsoft-graph.lifecycle')
    expect(envelope?.alert.key).toMatch(new RegExp(`^graph:subscription:.+:${event}$`))
    expect(envelope?.alert).toMatchObject({ status: 'firing', severity })
  })

  it('acknowledges lifecycle notifications with 200 and a reason when the route ignores them', async () => {
    const { queue, post } = setup(
      { current: '<secretClientState>' },
      { lifecycleNotifications: 'ignore' },
    )

    const res = await post(fixture('lifecycle-missed.json'))

    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      accepted: 0,
      ignored: expect.stringMatching(/lifecycle/),
    })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('acknowledges change types the route filters out with 200 and a reason', async () => {
    const { queue, post } = setup({ current: CHANGE_SECRET }, { changeTypes: ['deleted'] })

    const res = await post(CHANGE)

    expect(res.status).toBe(200)
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('answers 422 with field paths for an authenticated body that is not a notification', async () => {
    const { queue, post } = setup()
    const body = CHANGE.replace('"subscriptionId":"{subscription_guid}",', '')

    const res = await post(body)

    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({
      error: 'payload_invalid',
      detail: expect.stringContaining('value.0.subscriptionId'),
    })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('answers 503 and keeps nothing when the queue refuses, so Graph retries', async () => {
    const { queue, post } = setup()
    queue.setUnavailable(true)

    const res = await post(CHANGE)

    expect(res.status).toBe(503)
    expect(pendingAlerts(queue)).toEqual([])
  })
})
