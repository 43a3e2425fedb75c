import { sign } from '@octokit/webhooks-methods'
import { describe, expect, it } from 'vitest'
import { signJira } from '../../../local/signers/jira.js'
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

const fixture = fixtureReader('jira')

const SECRET = 'jira-admin-webhook-secret'
const PREVIOUS = 'jira-admin-webhook-secret-old'
const IDENTIFIER = '1a2b3c4d-0000-4000-8000-00000000abcd'

const setup = (options?: Record<string, unknown>) =>
  signedSenderHarness({ source: 'jira' }, options, { current: SECRET, previous: PREVIOUS })

type Delivery = DeliveryChanges & { secret?: string }

/**
 * A delivery as a Jira admin webhook with a secret sends it. Its `X-Hub-Signature` has the same
 * `sha256=<hex>` format as GitHub's, so Octokit's `sign()` produces it.
 */
const deliver = async (
  app: ReturnType<typeof setup>['app'],
  body: string,
  delivery: Delivery = {},
) => {
  const { secret = SECRET } = delivery
  const signed = {
    'content-type': 'application/json',
    'x-atlassian-webhook-identifier': IDENTIFIER,
    'x-atlassian-webhook-flow': 'Primary',
    'x-hub-signature': await sign(secret, body),
  }
  return sendDelivery(app, body, signed, delivery)
}

const done = (body: string) =>
  body
    .replace('"key": "indeterminate"', '"key": "done"')
    .replace('"toString": "In Progress"', '"toString": "Done"')

describe('jira source', () => {
  it('enqueues a created issue as a firing alert keyed by the issue id', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('issue_created.json'))

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toMatchObject([
      {
        source: 'jira',
        type: 'jira.issue_created',
        deliveryId: IDENTIFIER,
        alert: {
          key: 'jira:issue:10400',
          status: 'firing',
          severity: 'high',
          title: 'BUG-15: New bug with hook',
          description: 'Fix me please',
          url: 'http://lfranchi.com:8080/browse/BUG-15',
          occurredAt: '2013-03-27T16:53:58.369Z',
          resource: 'BUG',
          tenant: { id: 'BUG', name: 'buggery-test' },
          labels: { issueKey: 'BUG-15', issueType: 'Bug', jiraStatus: 'Open', priority: 'Major' },
        },
      },
    ])
  })

  it('notes a status move that is not Done as firing, and resolves when it reaches Done', async () => {
    const { app, queue } = setup()
    const moved = fixture('issue_updated.status.json')

    await deliver(app, moved, { headers: { 'x-atlassian-webhook-identifier': 'w-1' } })
    await deliver(app, done(moved), { headers: { 'x-atlassian-webhook-identifier': 'w-2' } })

    expect(pendingAlerts(queue).map((envelope) => envelope.alert)).toMatchObject([
      { key: 'jira:issue:10000', status: 'firing', severity: 'medium', title: 'TEST-1: Fix That' },
      { key: 'jira:issue:10000', status: 'resolved' },
    ])
  })

  it('resolves a deleted issue', async () => {
    const { app, queue } = setup()
    const deleted = fixture('issue_created.json').replace(
      'jira:issue_created',
      'jira:issue_deleted',
    )

    const response = await deliver(app, deleted)

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      key: 'jira:issue:10400',
      status: 'resolved',
    })
  })

  it.each([
    [
      'an update that does not move the status',
      fixture('issue_updated.status.json').replace('"field": "status"', '"field": "priority"'),
      undefined,
    ],
    [
      'a comment webhook',
      fixture('issue_updated.status.json').replace('jira:issue_updated', 'comment_created'),
      undefined,
    ],
    ['an issue of another project', fixture('issue_created.json'), { projects: ['OPS'] }],
    ['an issue of another type', fixture('issue_created.json'), { issueTypes: ['Incident'] }],
  ])('ignores %s with 200 and a reason', async (_name, body, options) => {
    const { app, queue } = setup(options)

    const response = await deliver(app, body)

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ accepted: 0, ignored: expect.any(String) })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it("accepts a delivery signed with the route's previous secret", async () => {
    const { app } = setup()

    const response = await deliver(app, fixture('issue_created.json'), { secret: PREVIOUS })

    expect(response.status).toBe(202)
  })

  it('yields the same envelope ids when Jira retries the delivery', async () => {
    const { app, queue } = setup()
    const body = fixture('issue_created.json')

    const first = await deliver(app, body)
    const retry = await deliver(app, body, { headers: { 'x-atlassian-webhook-retry': '1' } })

    expect((await answer(retry)).ids).toEqual((await answer(first)).ids)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('accepts the sample that npm run send signs with the local signer', async () => {
    const { app, queue } = setup()
    const response = await sendLocalSample(app, 'jira', signJira, {
      secret: SECRET,
      now: new Date(),
    })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('accepts an issue webhook without the issue key, titled by the issue id (was 422)', async () => {
    // The key (PROJ-1) is not what the alert's key comes from (the id is), so its absence (or a
    // value of another type, which reads as absent) must not cost the alert.
    const { app, queue } = setup()
    const body = JSON.stringify({
      webhookEvent: 'jira:issue_created',
      issue: { id: '10001', fields: { summary: 'Printer offline' } },
    })

    const response = await deliver(app, body)

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      key: 'jira:issue:10001',
      status: 'firing',
      title: 'Issue 10001: Printer offline',
    })
  })

  describe('rejects, with nothing enqueued,', () => {
    const body = fixture('issue_created.json')
    const cases: [string, Delivery, string][] = [
      [
        'a body with one byte changed',
        { sent: body.replace('Fix me', 'Fix us') },
        'signature_invalid',
      ],
      [
        'a changed signature',
        { headers: { 'x-hub-signature': `sha256=${'1'.repeat(64)}` } },
        'signature_invalid',
      ],
      ['a signature from the wrong secret', { secret: 'another-webhook' }, 'signature_invalid'],
      ['a missing signature', { headers: { 'x-hub-signature': undefined } }, 'signature_missing'],
    ]
    it.each(cases)('%s', async (_name, delivery, code) => {
      const { app, queue } = setup()

      const response = await deliver(app, body, delivery)

      await expectRejected(response, queue, 401, code)
    })

    it('a signed issue webhook without the issue id (422)', async () => {
      const { app, queue } = setup()
      const broken = JSON.stringify({
        webhookEvent: 'jira:issue_created',
        issue: { key: 'HELP-1', fields: {} },
      })

      const response = await deliver(app, broken)

      expect(response.status).toBe(422)
      expect(await response.json()).toMatchObject({ detail: expect.stringContaining('issue.id') })
      expect(pendingAlerts(queue)).toEqual([])
    })
  })
})
