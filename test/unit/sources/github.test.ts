import { sign } from '@octokit/webhooks-methods'
import { describe, expect, it } from 'vitest'
import { signGitHub } from '../../../local/signers/github.js'
import { pendingAlerts } from '../../support/envelopes.js'
import {
  type DeliveryChanges,
  expectRejected,
  fixtureReader,
  sendDelivery,
  sendLocalSample,
  signedSenderHarness,
} from '../../support/sources/source-harness.js'

const fixture = fixtureReader('github')

const SECRET = 'github-current-secret'
const PREVIOUS = 'github-previous-secret'
const DELIVERY = '72d3162e-cc78-11e3-81ab-4c9367dc0958'

const setup = (options?: Record<string, unknown>) =>
  signedSenderHarness({ source: 'github' }, options, { current: SECRET, previous: PREVIOUS })

type Delivery = DeliveryChanges & {
  event?: string | undefined
  secret?: string
  delivery?: string | undefined
}

/** A delivery exactly as GitHub makes it, signed by Octokit's own `sign()`; break one thing. */
const deliver = async (
  app: ReturnType<typeof setup>['app'],
  body: string,
  { event, secret = SECRET, delivery = DELIVERY, ...changes }: Delivery,
) => {
  const signed = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/044aadd',
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': await sign(secret, body),
  }
  return sendDelivery(app, body, signed, changes)
}

describe('github source', () => {
  it('enqueues an opened issue as a firing alert keyed by repository and number', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('issues.opened.json'), { event: 'issues' })

    expect(response.status).toBe(202)
    const envelopes = pendingAlerts(queue)
    expect(envelopes).toHaveLength(1)
    expect(envelopes[0]).toMatchObject({
      source: 'github',
      type: 'github.issues.opened',
      deliveryId: DELIVERY,
      alert: {
        key: 'github:issue:186853002:1',
        status: 'firing',
        title: 'Codertocat/Hello-World#1: Spelling error in the README file',
        url: 'https://github.com/Codertocat/Hello-World/issues/1',
        resource: 'Codertocat/Hello-World',
        tenant: { id: '21031067', name: 'Codertocat' },
        occurredAt: '2019-05-15T15:20:18.000Z',
        labels: { event: 'issues', action: 'opened', issueLabels: 'bug' },
      },
    })
    expect(await response.json()).toEqual({ accepted: 1, ids: [envelopes[0]?.id] })
  })

  it('resolves the same key when the issue is closed', async () => {
    const { app, queue } = setup()
    const closed = fixture('issues.opened.json').replace('"action": "opened"', '"action": "closed"')

    const response = await deliver(app, closed, { event: 'issues' })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      key: 'github:issue:186853002:1',
      status: 'resolved',
    })
  })

  it('ignores an issue action that neither opens nor closes it, with 200 and a reason', async () => {
    const { app, queue } = setup()
    const labeled = fixture('issues.opened.json').replace(
      '"action": "opened"',
      '"action": "labeled"',
    )

    const response = await deliver(app, labeled, { event: 'issues' })

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ accepted: 0, ignored: expect.any(String) })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('fires on a failed workflow run and resolves on the next green run of that branch', async () => {
    const { app, queue } = setup()
    const green = fixture('workflow_run.completed.json')
    const red = green.replace('"conclusion": "success"', '"conclusion": "failure"')

    const failed = await deliver(app, red, { event: 'workflow_run', delivery: 'd-red' })
    const fixed = await deliver(app, green, { event: 'workflow_run', delivery: 'd-green' })

    expect([failed.status, fixed.status]).toEqual([202, 202])
    expect(pendingAlerts(queue).map((envelope) => envelope.alert)).toMatchObject([
      {
        key: 'github:workflow:300029405:2823525:master',
        status: 'firing',
        severity: 'high',
        title: 'octo-org/octo-repo: workflow "test" failure on master',
        url: 'https://github.com/octo-org/octo-repo/actions/runs/289782451',
        tenant: { id: '41548062', name: 'octo-org' },
      },
      { key: 'github:workflow:300029405:2823525:master', status: 'resolved' },
    ])
  })

  it('ignores a cancelled workflow run', async () => {
    const { app, queue } = setup()
    const cancelled = fixture('workflow_run.completed.json').replace(
      '"conclusion": "success"',
      '"conclusion": "cancelled"',
    )

    const response = await deliver(app, cancelled, { event: 'workflow_run' })

    expect(response.status).toBe(200)
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('enqueues a Dependabot alert with the advisory severity', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('dependabot_alert.created.json'), {
      event: 'dependabot_alert',
    })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]).toMatchObject({
      type: 'github.dependabot_alert.created',
      alert: {
        key: 'github:dependabot:512875663:20',
        status: 'firing',
        severity: 'medium',
        title:
          'wolfy1339/pika-pack: semver vulnerable to Regular Expression Denial of Service (npm semver)',
        url: 'https://github.com/wolfy1339/pika-pack/security/dependabot/20',
        labels: { advisory: 'GHSA-c2qf-rxjj-qqgw', cve: 'CVE-2022-25883', package: 'npm:semver' },
      },
    })
  })

  it('enqueues a code scanning alert, mapping rule severity "error" to high', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('code_scanning_alert.created.json'), {
      event: 'code_scanning_alert',
    })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      key: 'github:code-scanning:337911632:10',
      status: 'firing',
      severity: 'high',
      title: 'Codertocat/Hello-World: Query built from user-controlled sources',
      tenant: { name: 'Codertocat' },
      labels: { rule: 'java/sql-injection', tool: 'CodeQL', ref: 'refs/heads/code-feature' },
    })
  })

  it('reads a hook set to the form content type, verifying the form body as sent', async () => {
    const { app, queue } = setup()
    const form = `payload=${encodeURIComponent(fixture('issues.opened.json'))}`

    const response = await deliver(app, form, {
      event: 'issues',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert.key).toBe('github:issue:186853002:1')
  })

  it('answers ping with 200 and enqueues nothing', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('ping.json'), { event: 'ping' })

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      accepted: 0,
      ignored: expect.stringMatching(/ping/),
    })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('ignores an event the route does not act on', async () => {
    const { app, queue } = setup({ events: ['workflow_run'] })

    const response = await deliver(app, fixture('issues.opened.json'), { event: 'issues' })

    expect(response.status).toBe(200)
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('accepts a delivery signed with the previous secret while a rotation is in flight', async () => {
    const { app, queue } = setup()

    const response = await deliver(app, fixture('issues.opened.json'), {
      event: 'issues',
      secret: PREVIOUS,
    })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('rejects the previous secret once the rotation is finished', async () => {
    const { app, queue, secretStore } = setup()
    secretStore.set({ routes: { r: { current: SECRET } } })

    const response = await deliver(app, fixture('issues.opened.json'), {
      event: 'issues',
      secret: PREVIOUS,
    })

    await expectRejected(response, queue, 401)
  })

  it('answers 503 so GitHub can redeliver when the queue refuses, keeping nothing', async () => {
    const { app, queue } = setup()
    queue.setUnavailable(true)

    const response = await deliver(app, fixture('issues.opened.json'), { event: 'issues' })

    expect(response.status).toBe(503)
    expect(await response.json()).toMatchObject({ error: 'queue_unavailable' })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('yields the same envelope ids when GitHub redelivers the same delivery', async () => {
    const { app, queue } = setup()
    const body = fixture('issues.opened.json')

    const first = (await (await deliver(app, body, { event: 'issues' })).json()) as {
      ids: string[]
    }
    const again = (await (await deliver(app, body, { event: 'issues' })).json()) as {
      ids: string[]
    }

    expect(again.ids).toEqual(first.ids)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('accepts the sample that npm run send signs with the local GitHub signer', async () => {
    const { app, queue } = setup()
    const response = await sendLocalSample(app, 'github', signGitHub, {
      secret: SECRET,
      now: new Date(),
    })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.type).toBe('github.issues.opened')
  })

  describe('rejects, with nothing enqueued,', () => {
    const body = fixture('issues.opened.json')
    const cases: [string, Delivery, number, string][] = [
      [
        'a body with one byte changed',
        { event: 'issues', sent: body.replace('README', 'READMF') },
        401,
        'signature_invalid',
      ],
      [
        'a changed signature',
        { event: 'issues', headers: { 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` } },
        401,
        'signature_invalid',
      ],
      [
        'a signature from the wrong secret',
        { event: 'issues', secret: 'not-the-secret' },
        401,
        'signature_invalid',
      ],
      [
        'only the legacy SHA-1 signature',
        {
          event: 'issues',
          headers: { 'x-hub-signature-256': undefined, 'x-hub-signature': 'sha1=0000' },
        },
        401,
        'signature_missing',
      ],
      [
        'a signature without the sha256= prefix',
        { event: 'issues', headers: { 'x-hub-signature-256': 'deadbeef' } },
        401,
        'signature_invalid',
      ],
      ['a missing X-GitHub-Event header', { event: undefined }, 422, 'payload_invalid'],
    ]
    it.each(cases)('%s', async (_name, delivery, status, code) => {
      const { app, queue } = setup()

      const response = await deliver(app, body, delivery)

      await expectRejected(response, queue, status, code)
    })

    it('a signed body that is not JSON (400)', async () => {
      const { app, queue } = setup()

      const response = await deliver(app, 'action=opened', { event: 'issues' })

      await expectRejected(response, queue, 400, 'body_invalid')
    })

    it('a signed form body without its payload field (400)', async () => {
      const { app, queue } = setup()

      const response = await deliver(app, 'action=opened', {
        event: 'issues',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })

      await expectRejected(response, queue, 400, 'body_invalid')
    })

    it('a signed issues event without its issue, naming the field (422)', async () => {
      const { app, queue } = setup()
      const broken = JSON.stringify({ action: 'opened', repository: { id: 1, full_name: 'a/b' } })

      const response = await deliver(app, broken, { event: 'issues' })

      expect(response.status).toBe(422)
      expect(await response.json()).toMatchObject({
        error: 'payload_invalid',
        detail: expect.stringContaining('issue'),
      })
      expect(pendingAlerts(queue)).toEqual([])
    })
  })
})
