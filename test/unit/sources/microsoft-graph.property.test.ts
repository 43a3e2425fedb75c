import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIngestApp } from '../../../functions/ingest/app.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { EnvelopeSchema } from '../../../shared/envelope.js'
import { createJsonLogger } from '../../../shared/observability.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'

const SAMPLE = readFileSync(
  new URL('../../fixtures/microsoft-graph/change-notification.json', import.meta.url),
  'utf8',
)

const setup = () => {
  const queue = createMemoryEventQueue()
  const { routes } = compileConfig({ routes: { r: { source: 'microsoft-graph' } } })
  const app = createIngestApp({
    routes,
    queue,
    secrets: createMemorySecretStore({ routes: { r: { current: 'secretClientValue' } } }),
    logger: createJsonLogger({ write: () => {} }),
    now: () => new Date('2026-03-01T10:00:00Z'),
  })
  return { app, queue }
}

/** The sample with one character replaced: most land outside clientState and still verify. */
const mutatedSample = fc
  .tuple(fc.nat({ max: SAMPLE.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }))
  .map(([at, char]) => SAMPLE.slice(0, at) + char + SAMPLE.slice(at + 1))

const notification = fc.record(
  {
    subscriptionId: fc.oneof(fc.string(), fc.integer()),
    clientState: fc.constantFrom('secretClientValue', 'nope', ''),
    changeType: fc.oneof(fc.constantFrom('created', 'updated', 'deleted'), fc.string()),
    lifecycleEvent: fc.oneof(fc.constantFrom('missed', '__proto__', 'constructor'), fc.string()),
    resource: fc.string({ maxLength: 400 }),
    tenantId: fc.oneof(fc.string(), fc.constant(null)),
    resourceData: fc.oneof(fc.jsonValue(), fc.record({ id: fc.string() })),
  },
  { requiredKeys: [] },
)

const body = fc.oneof(
  fc.string(),
  fc.json(),
  mutatedSample,
  fc.array(notification, { maxLength: 4 }).map((value) => JSON.stringify({ value })),
)

const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,40}$/)
const headers = fc.dictionary(fc.stringMatching(/^x-[a-z]{1,12}$/), headerValue, { maxKeys: 4 })
const query = fc.option(
  fc
    .oneof(fc.string({ maxLength: 5000 }), fc.constant(''))
    .map((token) => `?validationToken=${encodeURIComponent(token)}`),
  { nil: '' },
)

describe('microsoft-graph source under random input', () => {
  it('never throws, never answers 5xx, and enqueues only what it accepted', async () => {
    await fc.assert(
      fc.asyncProperty(body, headers, query, async (payload, extra, search) => {
        const { app, queue } = setup()

        const res = await app.request(`/hooks/r${search}`, {
          method: 'POST',
          body: payload,
          headers: { 'content-type': 'application/json', ...extra },
        })

        expect(res.status).toBeLessThan(500)
        const pending = queue.pending()
        if (res.status !== 202) expect(pending).toEqual([])
        for (const envelope of pending)
          expect(EnvelopeSchema.safeParse(envelope).success).toBe(true)
      }),
      { numRuns: 100 },
    )
  })
})
