import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signPagerDuty } from '../../../local/signers/pagerduty.js'
import { pendingAlerts } from '../../support/envelopes.js'
import {
  type DeliveryChanges,
  expectRejected,
  fixtureReader,
  sendDelivery,
  sendLocalSample,
  signedSenderHarness,
} from '../../support/sources/source-harness.js'

const fixture = fixtureReader('pagerduty')

const SECRET = 'pagerduty-subscription-secret'
const PREVIOUS = 'pagerduty-subscription-secret-old'
const WEBHOOK_ID = 'e4a1c1d0-4b8f-11ee-a8c3-0242ac120002'

const setup = (options?: Record<string, unknown>) =>
  signedSenderHarness({ source: 'pagerduty' }, options, { current: SECRET, previous: PREVIOUS })

/** PagerDuty's documented scheme with node:crypto: `v1=` + hex HMAC-SHA256 of the raw body. */
const v1 = (secret: string, body: string) =>
  `v1=${createHmac('sha256', secret).update(body).digest('hex')}`

type Delivery = DeliveryChanges & { secrets?: string[]; webhookId?: string }

const deliver = (app: ReturnType<typeof setup>['app'], body: string, delivery: Delivery = {}) => {
  const { secrets = [SECRET], webhookId = WEBHOOK_ID } = delivery
  const signed = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'PagerDuty-Webhook/V3.0',
    'x-webhook-id': webhookId,
    'x-webhook-subscription': 'PF9KMXH',
    'x-pagerduty-signature': secrets.map((secret) => v1(secret, body)).join(','),
  }
  return sendDelivery(app, body, signed, delivery)
}

describe('pagerduty source', () => {
  it('enqueues a triggered incident as a firing alert keyed by the incident id', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('incident.triggered.json'))

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toMatchObject([
      {
        source: 'pagerduty',
        type: 'pagerduty.incident.triggered',
        deliveryId: WEBHOOK_ID,
        alert: {
          key: 'pagerduty:incident:PFQZPSY',
          status: 'firing',
          severity: 'high',
          title: 'Test Incident 3',
          url: 'https://pig208.pagerduty.com/incidents/PFQZPSY',
          resource: 'pig208',
          occurredAt: '2021-06-04T13:35:29.781Z',
          labels: {
            event: 'incident.triggered',
            number: '9',
            urgency: 'high',
            serviceId: 'PA2P440',
          },
        },
      },
    ])
    expect(pendingAlerts(queue)[0]?.alert.description).toContain('Assigned to: PIG 208')
  })

  it('resolves the incident key on incident.resolved', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('incident.resolved.json'))

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      key: 'pagerduty:incident:PCPZE64',
      status: 'resolved',
    })
  })

  it('ignores an acknowledgement unless the route asks for it, then notes it as firing', async () => {
    const quiet = setup()
    const noisy = setup({
      events: ['incident.triggered', 'incident.resolved', 'incident.acknowledged'],
    })

    const ignored = await deliver(quiet.app, fixture('incident.acknowledged.json'))
    const noted = await deliver(noisy.app, fixture('incident.acknowledged.json'))

    expect(ignored.status).toBe(200)
    expect(pendingAlerts(quiet.queue)).toEqual([])
    expect(noted.status).toBe(202)
    expect(pendingAlerts(noisy.queue)[0]?.alert).toMatchObject({
      key: 'pagerduty:incident:PQ1K5C8',
      status: 'firing',
    })
  })

  it('accepts the documented v3 incident shape with "priority": "None" (answered 422 before)', async () => {
    // PagerDuty sends the incident's priority as a reference object, or "None" where the account
    // has no priorities; it is not what the alert's key or status comes from, so it must not
    // cost the incident a 4xx (which PagerDuty drops without retrying).
    const { app, queue } = setup()
    const reference = (type: string, id: string, summary: string) => ({
      html_url: `https://example.pagerduty.com/${type}s/${id}`,
      id,
      self: `https://api.pagerduty.com/${type}s/${id}`,
      summary,
      type: `${type}_reference`,
    })
    const body = JSON.stringify({
      event: {
        id: '01DEN2FCM0ZQ3VKZ1XUV33ZX6E',
        event_type: 'incident.triggered',
        resource_type: 'incident',
        occurred_at: '2026-11-28T06:58:12.401Z',
        agent: reference('user', 'PUSR001', 'On-call engineer'),
        client: { name: 'PagerDuty' },
        data: {
          id: 'PINC042',
          type: 'incident',
          self: 'https://api.pagerduty.com/incidents/PINC042',
          html_url: 'https://example.pagerduty.com/incidents/PINC042',
          number: 42,
          status: 'triggered',
          incident_key: 'b1c7e4f0a9d34e0c8f1a2b3c4d5e6f70',
          created_at: '2026-11-28T06:58:12Z',
          title: 'Backups failed on acme-fs01',
          service: reference('service', 'PSVC007', 'Backup monitoring'),
          assignees: [reference('user', 'PUSR001', 'On-call engineer')],
          escalation_policy: reference('escalation_policy', 'PESC003', 'Default'),
          teams: [reference('team', 'PTEAM09', 'Service desk')],
          priority: 'None',
          urgency: 'high',
          conference_bridge: { conference_number: null, conference_url: null },
          resolve_reason: null,
        },
      },
    })

    const response = await deliver(app, body)

    expect(response.status).toBe(202)
    const [envelope] = pendingAlerts(queue)
    expect(envelope?.alert).toMatchObject({
      key: 'pagerduty:incident:PINC042',
      status: 'firing',
      severity: 'high',
      title: 'Backups failed on acme-fs01',
      resource: 'Backup monitoring',
    })
    expect(envelope?.alert.labels).not.toHaveProperty('priority')
  })

  it('ignores events about other resources with 200 and a reason', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('service.created.json'))

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      ignored: expect.stringContaining('service.created'),
    })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('accepts a signature list during a rotation, matching any entry', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('incident.triggered.json'), {
      secrets: ['a-secret-we-do-not-know', SECRET],
    })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it("accepts a delivery signed only with the route's previous secret", async () => {
    const { app } = setup()

    const response = await deliver(app, fixture('incident.triggered.json'), { secrets: [PREVIOUS] })

    expect(response.status).toBe(202)
  })

  it('yields the same envelope ids when PagerDuty retries the delivery', async () => {
    const { app, queue } = setup()
    const body = fixture('incident.triggered.json')

    const first = await deliver(app, body)
    const retry = await deliver(app, body)

    const ids = async (response: Response) => ((await response.json()) as { ids: string[] }).ids
    expect(await ids(retry)).toEqual(await ids(first))
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('accepts the sample that npm run send signs with the local signer', async () => {
    const { app, queue } = setup()
    const response = await sendLocalSample(app, 'pagerduty', signPagerDuty, {
      secret: SECRET,
      now: new Date(),
    })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  describe('rejects, with nothing enqueued,', () => {
    const body = fixture('incident.triggered.json')
    const cases: [string, Delivery, string][] = [
      [
        'a body with one byte changed',
        { sent: body.replace('Incident 3', 'Incident 4') },
        'signature_invalid',
      ],
      [
        'a changed signature',
        { headers: { 'x-pagerduty-signature': `v1=${'0'.repeat(64)}` } },
        'signature_invalid',
      ],
      [
        'a signature from the wrong secret',
        { secrets: ['some-other-subscription'] },
        'signature_invalid',
      ],
      [
        'a signature of another scheme version',
        { headers: { 'x-pagerduty-signature': v1(SECRET, body).replace('v1=', 'v2=') } },
        'signature_invalid',
      ],
      [
        'a missing signature',
        { headers: { 'x-pagerduty-signature': undefined } },
        'signature_missing',
      ],
    ]
    it.each(cases)('%s', async (_name, delivery, code) => {
      const { app, queue } = setup()

      const response = await deliver(app, body, delivery)

      await expectRejected(response, queue, 401, code)
    })

    it('a signed incident event without the incident id (422)', async () => {
      const { app, queue } = setup()
      const broken = JSON.stringify({
        event: { id: 'E1', event_type: 'incident.triggered', data: { title: 'x' } },
      })

      const response = await deliver(app, broken)

      expect(response.status).toBe(422)
      expect(await response.json()).toMatchObject({ detail: expect.stringContaining('id') })
      expect(pendingAlerts(queue)).toEqual([])
    })
  })
})
