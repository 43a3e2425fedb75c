import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ingestHarness } from '../../support/ingest-harness.js'

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/sentry/${name}`, import.meta.url), 'utf8')

const SECRET = 'sentry-client-secret-current'
const FIXTURES = [
  'issue.created.json',
  'issue.resolved.json',
  'event_alert.triggered.json',
  'metric_alert.resolved.json',
  'installation.created.json',
].map(fixture)
const RESOURCES = ['issue', 'event_alert', 'metric_alert', 'installation', 'comment', 'error']

const setup = () =>
  ingestHarness({ routes: { r: { source: 'sentry' } } }, { routes: { r: { current: SECRET } } })

const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex')

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
    headers: { 'content-type': 'application/json', 'request-id': 'req-1', ...headers },
  })

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
    const bodies = fc.oneof(
      fc.string({ minLength: 1 }),
      fc.json(),
      shaped,
      fc.constantFrom(...FIXTURES),
      fc.tuple(fc.constantFrom(...FIXTURES), fc.nat()).map(([body, index]) => mutate(body, index)),
    )
    await fc.assert(
      fc.asyncProperty(bodies, fc.option(fc.constantFrom(...RESOURCES)), async (body, resource) => {
        const { app, queue } = setup()
        const response = await post(app, body, {
          ...(resource ? { 'sentry-hook-resource': resource } : {}),
          'sentry-hook-signature': sign(body),
        })
        expect(response.status).toBeLessThan(500)
        if (response.status !== 202) expect(queue.pending()).toEqual([])
      }),
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
          const response = await post(app, forged === undefined ? mutate(body, index) : body, {
            'sentry-hook-signature': forged ?? sign(body),
          })
          expect(response.status).toBe(401)
          expect(queue.pending()).toEqual([])
        },
      ),
      { numRuns: 100 },
    )
  })
})
