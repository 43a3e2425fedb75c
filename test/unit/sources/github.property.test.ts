import { sign } from '@octokit/webhooks-methods'
import fc from 'fast-check'
import { describe, it } from 'vitest'
import { ingestHarness } from '../../support/ingest-harness.js'
import {
  assertLenientBeyondEssentials,
  parsedFixtures,
} from '../../support/sources/lenience-properties.js'
import { fixtureReader, type IngestApp, postJson } from '../../support/sources/source-harness.js'
import {
  assertAlwaysUnauthorized,
  assertNeverServerError,
  changedOrForged,
  mutate,
  mutatedFixture,
} from '../../support/sources/source-properties.js'

const fixture = fixtureReader('github')

const SECRET = 'github-current-secret'
const FIXTURES = [
  'issues.opened.json',
  'workflow_run.completed.json',
  'dependabot_alert.created.json',
  'code_scanning_alert.created.json',
  'ping.json',
].map(fixture)
const EVENTS = ['issues', 'workflow_run', 'dependabot_alert', 'code_scanning_alert', 'ping', 'push']

/** Each sample and the `X-GitHub-Event` GitHub sends it with. */
const EVENT_OF: Record<string, string> = {
  'issues.opened.json': 'issues',
  'workflow_run.completed.json': 'workflow_run',
  'dependabot_alert.created.json': 'dependabot_alert',
  'code_scanning_alert.created.json': 'code_scanning_alert',
  'ping.json': 'ping',
}

/** What each event's key, status and type come from; any other field may hold anything. */
const ESSENTIAL = [
  'action',
  'repository.id',
  'issue.number',
  'alert.number',
  'workflow_run.workflow_id',
  'workflow_run.head_branch',
  'workflow_run.conclusion',
]

const setup = () =>
  ingestHarness({ routes: { r: { source: 'github' } } }, { routes: { r: { current: SECRET } } })

const post = (app: IngestApp, body: string, headers: Record<string, string>) =>
  postJson(app, body, { headers })

describe('github source, property-based', () => {
  it('never answers 5xx to a signed body of any shape, and enqueues nothing when it rejects', async () => {
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      fc.constantFrom(...FIXTURES),
      fc.constantFrom(...FIXTURES).map((body) => `payload=${encodeURIComponent(body)}`),
      mutatedFixture(FIXTURES),
      // Known shapes with fields of the wrong type.
      fc
        .record({ action: fc.anything(), repository: fc.anything(), issue: fc.anything() })
        .map((value) => JSON.stringify(value) ?? 'null'),
    )
    await assertNeverServerError(
      fc.tuple(
        bodies.filter((body) => body.length > 0),
        fc.constantFrom(...EVENTS),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
      ),
      async ([body, event, contentType]) => {
        const { app, queue } = setup()
        const response = await post(app, body, {
          'content-type': contentType,
          'x-github-event': event,
          'x-github-delivery': 'delivery-1',
          'x-hub-signature-256': await sign(SECRET, body),
        })
        return { response, queue }
      },
    )
  })

  it('rejects any changed byte or forged signature with 401 and enqueues nothing', async () => {
    await assertAlwaysUnauthorized(changedOrForged(FIXTURES), async ([body, index, forged]) => {
      const { app, queue } = setup()
      const signature = forged ?? (await sign(SECRET, body))
      const response = await post(app, forged === undefined ? mutate(body, index) : body, {
        'x-github-event': 'issues',
        'x-hub-signature-256': signature,
      })
      return { response, queue }
    })
  })

  it('accepts a signed sample whatever type its non-essential fields hold, keeping key and status', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: parsedFixtures('github', Object.keys(EVENT_OF)),
      deliver: async (value, name) => {
        const { app, queue } = setup()
        const body = JSON.stringify(value)
        const response = await post(app, body, {
          'x-github-event': EVENT_OF[name] ?? 'issues',
          'x-github-delivery': 'delivery-1',
          'x-hub-signature-256': await sign(SECRET, body),
        })
        return { response, queue }
      },
    })
  })
})
