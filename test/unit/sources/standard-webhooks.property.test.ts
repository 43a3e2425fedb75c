import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { ingestHarness } from '../../support/ingest-harness.js'

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/standard-webhooks/${name}`, import.meta.url), 'utf8')

const NOW = new Date('2026-11-28T07:00:00Z')
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const FIXTURES = [fixture('contact.created.json'), fixture('contact.created.thin.json')]

const setup = () =>
  ingestHarness(
    {
      routes: {
        r: {
          source: 'standard-webhooks',
          alert: { key: '{% payload.data.id %}', title: '{% payload.type %}' },
        },
      },
    },
    { routes: { r: { current: SECRET } } },
    NOW,
  )

const mutate = (body: string, index: number) => {
  const at = index % body.length
  return `${body.slice(0, at)}${body[at] === 'x' ? 'y' : 'x'}${body.slice(at + 1)}`
}

const headers = (id: string, at: Date, body: string) => ({
  'content-type': 'application/json',
  'webhook-id': id,
  'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
  'webhook-signature': new Webhook(SECRET).sign(id, at, body),
})

describe('standard-webhooks source, property-based', () => {
  it('never answers 5xx to a signed body of any shape, and enqueues nothing when it rejects', async () => {
    const bodies = fc.oneof(
      fc.string({ minLength: 1 }),
      fc.json(),
      fc.constantFrom(...FIXTURES),
      fc.tuple(fc.constantFrom(...FIXTURES), fc.nat()).map(([body, index]) => mutate(body, index)),
      fc
        .record({ type: fc.anything(), timestamp: fc.anything(), data: fc.anything() })
        .map((value) => JSON.stringify(value) ?? '{}'),
    )
    await fc.assert(
      fc.asyncProperty(bodies, fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), async (body, id) => {
        const { app, queue } = setup()
        const response = await app.request('/hooks/r', {
          method: 'POST',
          body,
          headers: headers(id, NOW, body),
        })
        expect(response.status).toBeLessThan(500)
        if (response.status !== 202) expect(queue.pending()).toEqual([])
      }),
      { numRuns: 100 },
    )
  })

  it('rejects a changed byte, a forged header or a stale timestamp with 401, enqueuing nothing', async () => {
    const breakage = fc.oneof(
      fc.nat().map((index) => ({ kind: 'byte' as const, index })),
      fc
        .constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature')
        .chain((name) => fc.string().map((value) => ({ kind: 'header' as const, name, value }))),
      fc
        .integer({ min: 301, max: 10_000_000 })
        .chain((seconds) => fc.constantFrom(seconds, -seconds))
        .map((seconds) => ({ kind: 'skew' as const, seconds })),
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIXTURES), breakage, async (body, broken) => {
        const { app, queue } = setup()
        const at = broken.kind === 'skew' ? new Date(NOW.getTime() + broken.seconds * 1000) : NOW
        const signed: Record<string, string> = headers('msg_1', at, body)
        if (broken.kind === 'header') signed[broken.name] = broken.value
        // A forged header equal to the genuine one (HTTP trims values) breaks nothing; skip it.
        fc.pre(
          broken.kind !== 'header' ||
            broken.value.trim() !== headers('msg_1', at, body)[broken.name],
        )
        const response = await app.request('/hooks/r', {
          method: 'POST',
          body: broken.kind === 'byte' ? mutate(body, broken.index) : body,
          headers: signed,
        })
        expect(response.status).toBe(401)
        expect(queue.pending()).toEqual([])
      }),
      { numRuns: 100 },
    )
  })
})
