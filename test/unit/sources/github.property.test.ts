import { readFileSync } from 'node:fs'
import { sign } from '@octokit/webhooks-methods'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ingestHarness } from '../../support/ingest-harness.js'

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/github/${name}`, import.meta.url), 'utf8')

const SECRET = 'github-current-secret'
const FIXTURES = [
  'issues.opened.json',
  'workflow_run.completed.json',
  'dependabot_alert.created.json',
  'code_scanning_alert.created.json',
  'ping.json',
].map(fixture)
const EVENTS = ['issues', 'workflow_run', 'dependabot_alert', 'code_scanning_alert', 'ping', 'push']

const setup = () =>
  ingestHarness({ routes: { r: { source: 'github' } } }, { routes: { r: { current: SECRET } } })

/** A different character at `index`, so the mutated body is never the signed one. */
const mutate = (body: string, index: number) => {
  const at = index % body.length
  return `${body.slice(0, at)}${body[at] === 'x' ? 'y' : 'x'}${body.slice(at + 1)}`
}

const post = (
  app: ReturnType<typeof setup>['app'],
  body: string,
  headers: Record<string, string>,
) =>
  app.request('/hooks/r', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  })

describe('github source, property-based', () => {
  it('never answers 5xx to a signed body of any shape, and enqueues nothing when it rejects', async () => {
    const bodies = fc.oneof(
      fc.string(),
      fc.json(),
      fc.constantFrom(...FIXTURES),
      fc.constantFrom(...FIXTURES).map((body) => `payload=${encodeURIComponent(body)}`),
      fc.tuple(fc.constantFrom(...FIXTURES), fc.nat()).map(([body, index]) => mutate(body, index)),
      // Known shapes with fields of the wrong type.
      fc
        .record({ action: fc.anything(), repository: fc.anything(), issue: fc.anything() })
        .map((value) => JSON.stringify(value) ?? 'null'),
    )
    await fc.assert(
      fc.asyncProperty(
        bodies.filter((body) => body.length > 0),
        fc.constantFrom(...EVENTS),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
        async (body, event, contentType) => {
          const { app, queue } = setup()
          const response = await post(app, body, {
            'content-type': contentType,
            'x-github-event': event,
            'x-github-delivery': 'delivery-1',
            'x-hub-signature-256': await sign(SECRET, body),
          })
          expect(response.status).toBeLessThan(500)
          if (response.status !== 202) expect(queue.pending()).toEqual([])
        },
      ),
      { numRuns: 100 },
    )
  })

  it('rejects any changed byte or forged signature with 401 and enqueues nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...FIXTURES),
        fc.nat(),
        fc.option(fc.string(), { nil: undefined }),
        async (body, index, forged) => {
          const { app, queue } = setup()
          const signature = forged ?? (await sign(SECRET, body))
          const response = await post(app, forged === undefined ? mutate(body, index) : body, {
            'x-github-event': 'issues',
            'x-hub-signature-256': signature,
          })
          expect(response.status).toBe(401)
          expect(queue.pending()).toEqual([])
        },
      ),
      { numRuns: 100 },
    )
  })
})
