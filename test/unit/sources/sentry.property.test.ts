import { createHmac } from 'node:crypto'
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

const fixture = fixtureReader('sentry')

const SECRET = 'sentry-client-secret-current'
const FIXTURES = [
  'issue.created.json',
  'issue.resolved.json',
  'event_alert.triggered.json',
  'metric_alert.resolved.json',
  'installation.created.json',
].map(fixture)
const RESOURCES = ['issue', 'event_alert', 'metric_alert', 'installation', 'comment', 'error']

/** Each sample and the `Sentry-Hook-Resource` Sentry sends it with. */
const RESOURCE_OF: Record<string, string> = {
  'issue.created.json': 'issue',
  'issue.resolved.json': 'issue',
  'event_alert.triggered.json': 'event_alert',
  'metric_alert.resolved.json': 'metric_alert',
  'installation.created.json': 'installation',
}

/** What each resource's key (issue, or incident and rule), status and type come from. */
const ESSENTIAL = [
  'action',
  'data.issue.id',
  'data.event.issue_id',
  'data.metric_alert.id',
  'data.metric_alert.alert_rule.id',
]

const setup = () =>
  ingestHarness({ routes: { r: { source: 'sentry' } } }, { routes: { r: { current: SECRET } } })

const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex')

const post = (app: IngestApp, body: string, headers: Record<string, string>) =>
  postJson(app, body, { headers: { 'request-id': 'req-1', ...headers } })

describe('sentry source, property-based', () => {
  it('never answers 5xx to a signed body of any shape, and enqueues nothing when it rejects', async () => {
    const shaped = fc
      .record({
        action: fc.oneof(
          fc.constantFrom('created', 'resolved', 'triggered', 'critical'),
          fc.anything(),
        ),
        installation: fc.anything(),
        data: fc.record(
          {
            issue: fc.anything(),
            event: fc.anything(),
            metric_alert: fc.anything(),
            triggered_rule: fc.anything(),
          },
          { requiredKeys: [] },
        ),
      })
      .map((value) => JSON.stringify(value))
    const bodies = textBodiesAround(FIXTURES, shaped)
    await assertNeverServerError(
      fc.tuple(bodies, fc.option(fc.constantFrom(...RESOURCES))),
      async ([body, resource]) => {
        const { app, queue } = setup()
        const response = await post(app, body, {
          ...(resource ? { 'sentry-hook-resource': resource } : {}),
          'sentry-hook-signature': sign(body),
        })
        return { response, queue }
      },
    )
  })

  it('rejects any changed byte or forged signature with 401 and enqueues nothing', async () => {
    await assertAlwaysUnauthorized(changedOrForged(FIXTURES), async ([body, index, forged]) => {
      const { app, queue } = setup()
      const response = await post(app, forged === undefined ? mutate(body, index) : body, {
        'sentry-hook-signature': forged ?? sign(body),
      })
      return { response, queue }
    })
  })

  it('accepts a signed sample whatever type its non-essential fields hold, keeping key and status', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: parsedFixtures('sentry', Object.keys(RESOURCE_OF)),
      deliver: async (value, name) => {
        const { app, queue } = setup()
        const body = JSON.stringify(value)
        const response = await post(app, body, {
          'sentry-hook-resource': RESOURCE_OF[name] ?? 'issue',
          'sentry-hook-signature': sign(body),
        })
        return { response, queue }
      },
    })
  })
})
