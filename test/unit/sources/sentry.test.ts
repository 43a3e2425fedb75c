import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signSentry } from '../../../local/signers/sentry.js'
import { pendingAlerts } from '../../support/envelopes.js'
import {
  answer,
  type DeliveryChanges,
  expectRejected,
  fixtureReader,
  sendDelivery,
  sendLocalSample,
  signedSenderHarness,
} from '../../support/sources/source-harness.js'

const fixture = fixtureReader('sentry')

const SECRET = 'sentry-client-secret-current'
const PREVIOUS = 'sentry-client-secret-previous'
const REQUEST_ID = '6c4c5e58-5e3f-4f2a-9a43-0e8d3f0b6a21'

const setup = (options?: Record<string, unknown>) =>
  signedSenderHarness({ source: 'sentry' }, options, { current: SECRET, previous: PREVIOUS })

/** Sentry's documented scheme with node:crypto (no official signer): hex HMAC-SHA256 of the body. */
const sentrySign = (secret: string, body: string) =>
  createHmac('sha256', secret).update(body, 'utf8').digest('hex')

type Delivery = DeliveryChanges & {
  resource?: string | undefined
  secret?: string
  requestId?: string
}

const deliver = (app: ReturnType<typeof setup>['app'], body: string, delivery: Delivery = {}) => {
  const { resource, secret = SECRET, requestId = REQUEST_ID } = delivery
  const signed = {
    'content-type': 'application/json',
    'request-id': requestId,
    'sentry-hook-resource': resource,
    'sentry-hook-timestamp': '1764313200',
    'sentry-hook-signature': sentrySign(secret, body),
  }
  return sendDelivery(app, body, signed, delivery)
}

describe('sentry source', () => {
  it('enqueues a created issue as a firing alert keyed by the issue id', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('issue.created.json'), { resource: 'issue' })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toMatchObject([
      {
        source: 'sentry',
        type: 'sentry.issue.created',
        deliveryId: REQUEST_ID,
        alert: {
          key: 'sentry:issue:1635244907',
          status: 'firing',
          severity: 'high',
          title: 'zulip-integration-testing: Exception: Custom exception!',
          occurredAt: '2020-04-28T13:56:05.903Z',
          resource: 'zulip-integration-testing',
          tenant: { id: '65027794-169a-4042-80d0-808ece377141' },
          labels: { shortId: 'ZULIP-INTEGRATION-TESTING-2', level: 'error' },
        },
      },
    ])
  })

  it('resolves the issue key when the issue is resolved', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('issue.resolved.json'), { resource: 'issue' })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      key: 'sentry:issue:1638821441',
      status: 'resolved',
    })
  })

  it('keys an issue alert by its issue, so the issue webhooks can close its ticket', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('event_alert.triggered.json'), {
      resource: 'event_alert',
    })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]).toMatchObject({
      type: 'sentry.event_alert.triggered',
      alert: {
        key: 'sentry:issue:1117540176',
        status: 'firing',
        severity: 'high',
        title: 'ReferenceError: heck is not defined',
        url: 'https://sentry.io/organizations/test-org/issues/1117540176/events/e4874d664c3540c1a32eab185f12c5ab/',
        occurredAt: '2019-08-19T21:06:17.677Z',
        tenant: { id: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de' },
        labels: { rule: 'Very Important Alert Rule!', platform: 'javascript' },
      },
    })
  })

  it('tells the resource from the body when the header is absent', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('event_alert.triggered.json'))

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.type).toBe('sentry.event_alert.triggered')
  })

  it('resolves a metric alert incident under the key its critical state fired with', async () => {
    const { app, queue } = setup()
    const resolved = fixture('metric_alert.resolved.json')
    const critical = resolved
      .replace('"action": "resolved"', '"action": "critical"')
      .replace('Resolved: Too many errors', 'Critical: Too many errors')

    await deliver(app, critical, { resource: 'metric_alert', requestId: 'r-critical' })
    await deliver(app, resolved, { resource: 'metric_alert', requestId: 'r-resolved' })

    expect(pendingAlerts(queue).map((envelope) => envelope.alert)).toMatchObject([
      {
        key: 'sentry:metric-alert:7:4',
        status: 'firing',
        severity: 'critical',
        title: 'Critical: Too many errors',
        occurredAt: '2020-09-13T12:26:40.000Z',
        url: 'https://sentry.io/organizations/baz/alerts/1/',
        resource: 'bar',
      },
      { key: 'sentry:metric-alert:7:4', status: 'resolved', title: 'Resolved: Too many errors' },
    ])
  })

  it.each([
    ['an installation', 'installation.created.json', 'installation', undefined, undefined],
    ['an issue assignment', 'issue.created.json', 'issue', { action: 'assigned' }, undefined],
    ['a comment', 'issue.created.json', 'comment', undefined, undefined],
    [
      'a resource the route leaves out',
      'issue.created.json',
      'issue',
      undefined,
      { resources: ['metric_alert'] },
    ],
  ])('ignores %s with 200 and a reason', async (_name, file, resource, change, options) => {
    const { app, queue } = setup(options)
    const body = change
      ? fixture(file).replace('"action": "created"', `"action": "${change.action}"`)
      : fixture(file)

    const response = await deliver(app, body, { resource })

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ accepted: 0, ignored: expect.any(String) })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('yields the same envelope ids when the same request is delivered again', async () => {
    const { app, queue } = setup()
    const body = fixture('issue.created.json')

    const first = await deliver(app, body, { resource: 'issue' })
    const again = await deliver(app, body, { resource: 'issue' })

    expect((await answer(again)).ids).toEqual((await answer(first)).ids)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it("accepts a delivery signed with the route's previous client secret", async () => {
    const { app } = setup()

    const response = await deliver(app, fixture('issue.created.json'), {
      resource: 'issue',
      secret: PREVIOUS,
    })

    expect(response.status).toBe(202)
  })

  it('accepts the sample that npm run send signs with the local signer', async () => {
    const { app, queue } = setup()
    const response = await sendLocalSample(app, 'sentry', signSentry, {
      secret: SECRET,
      now: new Date(),
    })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.type).toBe('sentry.event_alert.triggered')
  })

  describe('rejects, with nothing enqueued,', () => {
    const body = fixture('issue.created.json')
    const cases: [string, Delivery, string][] = [
      [
        'a body with one byte changed',
        { sent: body.replace('Custom', 'Kustom') },
        'signature_invalid',
      ],
      [
        'a changed signature',
        { headers: { 'sentry-hook-signature': 'f'.repeat(64) } },
        'signature_invalid',
      ],
      ['a signature from the wrong secret', { secret: 'another-integration' }, 'signature_invalid'],
      [
        'a missing signature',
        { headers: { 'sentry-hook-signature': undefined } },
        'signature_missing',
      ],
    ]
    it.each(cases)('%s', async (_name, delivery, code) => {
      const { app, queue } = setup()

      const response = await deliver(app, body, { resource: 'issue', ...delivery })

      await expectRejected(response, queue, 401, code)
    })

    it('a signed issue webhook without its issue, naming the field (422)', async () => {
      const { app, queue } = setup()

      const response = await deliver(app, '{"action":"created","data":{}}', { resource: 'issue' })

      expect(response.status).toBe(422)
      expect(await response.json()).toMatchObject({ detail: expect.stringContaining('data.issue') })
      expect(pendingAlerts(queue)).toEqual([])
    })
  })
})
