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
  textBodiesAround,
} from '../../support/sources/source-properties.js'

const fixture = fixtureReader('jira')

const SECRET = 'jira-admin-webhook-secret'
const FIXTURES = ['issue_created.json', 'issue_updated.status.json'].map(fixture)

/**
 * What the key (the issue id), the status (status category, resolution, and whether the changelog
 * moved the issue) and the event type come from; any other field may hold anything.
 */
const ESSENTIAL = [
  'webhookEvent',
  'issue.id',
  'issue.fields.status.statusCategory.key',
  'issue.fields.resolution',
  'changelog.items.*.field',
]

const setup = () =>
  ingestHarness({ routes: { r: { source: 'jira' } } }, { routes: { r: { current: SECRET } } })

const post = (app: IngestApp, body: string, signature: string) =>
  postJson(app, body, {
    headers: { 'x-atlassian-webhook-identifier': 'delivery-1', 'x-hub-signature': signature },
  })

describe('jira source, property-based', () => {
  it('never answers 5xx to a signed body of any shape, and enqueues nothing when it rejects', async () => {
    const shaped = fc
      .record(
        {
          webhookEvent: fc.oneof(
            fc.constantFrom('jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted'),
            fc.anything(),
          ),
          timestamp: fc.oneof(fc.integer(), fc.double(), fc.anything()),
          issue: fc.oneof(
            fc.anything(),
            fc.record(
              {
                id: fc.anything(),
                key: fc.anything(),
                self: fc.anything(),
                fields: fc.oneof(
                  fc.anything(),
                  fc.record(
                    {
                      summary: fc.anything(),
                      description: fc.anything(),
                      priority: fc.anything(),
                      status: fc.anything(),
                      project: fc.anything(),
                      resolution: fc.anything(),
                    },
                    { requiredKeys: [] },
                  ),
                ),
              },
              { requiredKeys: [] },
            ),
          ),
          changelog: fc.anything(),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value))
    const bodies = textBodiesAround(FIXTURES, shaped)
    await assertNeverServerError(bodies, async (body) => {
      const { app, queue } = setup()
      const response = await post(app, body, await sign(SECRET, body))
      return { response, queue }
    })
  })

  it('rejects any changed byte or forged signature with 401 and enqueues nothing', async () => {
    await assertAlwaysUnauthorized(changedOrForged(FIXTURES), async ([body, index, forged]) => {
      const { app, queue } = setup()
      const response =
        forged === undefined
          ? await post(app, mutate(body, index), await sign(SECRET, body))
          : await post(app, body, forged)
      return { response, queue }
    })
  })

  it('accepts a signed sample whatever type its non-essential fields hold, keeping key and status', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: parsedFixtures('jira', ['issue_created.json', 'issue_updated.status.json']),
      deliver: async (value) => {
        const { app, queue } = setup()
        const body = JSON.stringify(value)
        return { response: await post(app, body, await sign(SECRET, body)), queue }
      },
    })
  })
})
