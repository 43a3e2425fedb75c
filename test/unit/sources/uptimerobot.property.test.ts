import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIngestApp } from '../../../functions/ingest/app.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { createJsonLogger } from '../../../shared/observability.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'

const sample = readFileSync(
  new URL('../../fixtures/uptimerobot/monitor_down.json', import.meta.url),
)

const setup = () => {
  const { routes } = compileConfig({
    routes: { r: { source: 'uptimerobot', auth: { type: 'query', param: 'token' } } },
  })
  const queue = createMemoryEventQueue()
  const app = createIngestApp({
    routes,
    queue,
    secrets: createMemorySecretStore({ routes: { r: { current: 'secret' } } }),
    logger: createJsonLogger({ write: () => {} }),
    now: () => new Date('2026-11-28T08:00:00Z'),
  })
  return { app, queue }
}

/** The fixture with one byte replaced, or random JSON, or random bytes. */
const bodies = fc.oneof(
  fc
    .record({ index: fc.nat({ max: sample.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) })
    .map(({ index, byte }) => {
      const body = Buffer.from(sample)
      body[index] = byte
      return new Uint8Array(body)
    }),
  fc.json().map((text) => new TextEncoder().encode(text)),
  fc
    .dictionary(
      fc.constantFrom('monitorID', 'monitorURL', 'alertType', 'alert_type', 'monitor_url', 'x'),
      fc.oneof(fc.constantFrom('1', '2', '*alertType*'), fc.jsonValue()),
    )
    .map((value) => new TextEncoder().encode(JSON.stringify(value))),
  fc.uint8Array({ maxLength: 512 }),
)

const tokens = fc.option(
  fc.oneof(fc.constant('secret'), fc.constant('wrong'), fc.string({ maxLength: 40 })),
)
const contentTypes = fc.constantFrom(
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
)

describe('uptimerobot source under random input', () => {
  it('never lets an exception escape, never answers 5xx, enqueues nothing when it rejects', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, tokens, contentTypes, async (body, token, contentType) => {
        const { app, queue } = setup()
        const query = token === null ? '' : `?${new URLSearchParams({ token })}`
        const response = await app.request(`/hooks/r${query}`, {
          method: 'POST',
          body,
          headers: { 'content-type': contentType },
        })
        expect(response.status).toBeLessThan(500)
        if (response.status !== 202) expect(queue.pending()).toHaveLength(0)
        if (token !== 'secret') expect(response.status).toBe(401)
      }),
      { numRuns: 100 },
    )
  })
})
