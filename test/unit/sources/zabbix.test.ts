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

const fixture = fixtureReader('zabbix')
const PROBLEM = fixture('problem.json')
const RECOVERY = fixture('recovery.json')

const setup = (secret: RotatingSecret = { current: 'secret' }) => {
  const { queue, post } = createSourceHarness({
    route: { source: 'zabbix', auth: { type: 'bearer' } },
    secret,
    now: new Date('2026-11-28T08:00:00Z'),
  })
  return {
    queue,
    post: (body: Body, headers: Record<string, string> = bearer()) => post(body, { headers }),
  }
}

const edit = (json: string, changes: Record<string, unknown>) =>
  JSON.stringify({ ...JSON.parse(json), ...changes })

describe('zabbix source', () => {
  it('fires an alert keyed by the problem event id', async () => {
    const { queue, post } = setup()

    const response = await post(PROBLEM)

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
    const [envelope] = pendingAlerts(queue)
    expect(envelope).toMatchObject({
      source: 'zabbix',
      type: 'zabbix.problem',
      alert: {
        key: 'event:10528',
        status: 'firing',
        severity: 'medium',
        title: 'Zabbix agent on db01.acme.local is unreachable for 5 minutes',
        resource: 'db01.acme.local',
        url: 'https://zabbix.acme.example/tr_events.php?triggerid=14032&eventid=10528',
        tenant: { name: 'Acme Ltd' },
        labels: { scope: 'availability', customer: 'Acme Ltd', triggerId: '14032' },
      },
    })
    expect(envelope?.alert.description).toContain('Problem started at 07:36:02')
  })

  it('resolves the same key on the recovery message', async () => {
    const { queue, post } = setup()

    await post(PROBLEM)
    await post(RECOVERY)

    const [problem, recovery] = pendingAlerts(queue)
    expect(recovery).toMatchObject({
      type: 'zabbix.recovery',
      alert: { key: 'event:10528', status: 'resolved' },
    })
    expect(recovery?.id).not.toBe(problem?.id)
  })

  it.each([
    ['5', 'critical'],
    ['4', 'high'],
    ['2', 'medium'],
    ['1', 'info'],
    ['0', 'info'],
  ])('maps {EVENT.NSEVERITY} %s to %s', async (nseverity, severity) => {
    const { queue, post } = setup()

    await post(edit(PROBLEM, { event_nseverity: nseverity }))

    expect(pendingAlerts(queue)[0]?.alert.severity).toBe(severity)
  })

  it('falls back to the severity name when the number did not resolve', async () => {
    const { queue, post } = setup()

    await post(edit(PROBLEM, { event_nseverity: '{EVENT.NSEVERITY}', event_severity: 'Disaster' }))

    expect(pendingAlerts(queue)[0]?.alert.severity).toBe('critical')
  })

  it('keeps an update (acknowledgement) firing under the same key', async () => {
    const { queue, post } = setup()

    await post(edit(PROBLEM, { event_update_status: '1', message: 'Acknowledged by Admin' }))

    expect(pendingAlerts(queue)[0]).toMatchObject({
      type: 'zabbix.update',
      alert: { key: 'event:10528', status: 'firing' },
    })
  })

  it('reads the payload of Zulip’s media type, keyed by the trigger id in the link', async () => {
    const { queue, post } = setup()

    await post(fixture('zulip-media-type-problem.json'))
    await post(fixture('zulip-media-type-ok.json'))

    expect(pendingAlerts(queue).map((envelope) => envelope.alert)).toMatchObject([
      { key: 'trigger:14032', status: 'firing', severity: 'medium', resource: 'www.example.com' },
      { key: 'trigger:14032', status: 'resolved' },
    ])
  })

  it('answers 200 with a reason for discovery and autoregistration events', async () => {
    const { queue, post } = setup()

    const response = await post(edit(PROBLEM, { event_source: '2' }))

    expect(response.status).toBe(200)
    expect((await answer(response)).ignored).toMatch(/autoregistration/)
    expect(pendingAlerts(queue)).toHaveLength(0)
  })

  it('yields the same envelope ids when Zabbix retries the same message', async () => {
    const { queue, post } = setup()

    await expectSameIdsWhenSentAgain(() => post(PROBLEM), queue, 1)
  })

  it('accepts the previous secret while a rotation is in flight', async () => {
    const { post } = setup({ current: 'new', previous: 'old' })

    expect((await post(PROBLEM, bearer('old'))).status).toBe(202)
    expect((await post(RECOVERY, bearer('new'))).status).toBe(202)
  })

  it.each([
    ['a wrong token', bearer('guess'), 'auth_invalid'],
    ['no authorization header', {}, 'signature_missing'],
  ])('rejects %s with 401 and enqueues nothing', async (_case, headers, code) => {
    const { queue, post } = setup()

    const response = await post(PROBLEM, headers)

    await expectRejected(response, queue, 401, code)
  })

  it('rejects a body with one byte changed into invalid JSON with 400', async () => {
    const { queue, post } = setup()
    const body = Buffer.from(PROBLEM)
    body[body.length - 1] = 0x2c // the closing brace becomes a comma

    const response = await post(body)

    await expectRejected(response, queue, 400)
  })

  it.each([
    ['an unresolved event id', { event_id: '{EVENT.ID}' }, 'event_id'],
    ['an event value that is neither 0 nor 1', { event_value: 'PROBLEM' }, 'event_value'],
  ])('rejects %s with 422 naming the field', async (_case, changes, field) => {
    const { queue, post } = setup()

    const response = await post(edit(PROBLEM, changes))

    expect(response.status).toBe(422)
    expect((await answer(response)).detail).toContain(field)
    expect(pendingAlerts(queue)).toHaveLength(0)
  })

  it('rejects a body of neither shape with 422 naming our fields', async () => {
    const { queue, post } = setup()

    const response = await post(JSON.stringify({ subject: 'PROBLEM: disk full' }))

    expect(response.status).toBe(422)
    expect((await answer(response)).detail).toContain('event_id')
    expect(pendingAlerts(queue)).toHaveLength(0)
  })
})
