import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIngestApp } from '../../../functions/ingest/app.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { createJsonLogger } from '../../../shared/observability.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'

const sample = readFileSync(new URL('../../fixtures/zabbix/problem.json', import.meta.url))

const setup = () => {
  const { routes } = compileConfig({
    routes: { r: { source: 'zabbix', auth: { type: 'bearer' } } },
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
      fc.constantFrom(
        'event_id',
        'event_value',
        'event_source',
        'event_tags',
        'hostname',
        'status',
        'trigger',
      ),
      fc.oneof(fc.constantFrom('0', '1', '{EVENT.ID}', 'PROBLEM'), fc.jsonValue()),
    )
    .map((value) => new TextEncoder().encode(JSON.stringify(value))),
  fc.uint8Array({ maxLength: 512 }),
)

const headers = fc.record(
  {
    authorization: fc.oneof(
      fc.constant('Bearer secret'),
      fc.constant('Bearer wrong'),
      fc.string().map((text) => text.replace(/[^\x20-\x7e]/g, '')),
    ),
    'content-type': fc.constantFrom('application/json', 'text/plain', ''),
  },
  { requiredKeys: [] },
)

describe('zabbix source under random input', () => {
  it('never lets an exception escape, never answers 5xx, enqueues nothing when it rejects', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, headers, async (body, given) => {
        const { app, queue } = setup()
        const response = await app.request('/hooks/r', {
          method: 'POST',
          body,
          headers: given,
        })
        expect(response.status).toBeLessThan(500)
        if (response.status !== 202) expect(queue.pending()).toHaveLength(0)
        if (given.authorization !== 'Bearer secret') expect(response.status).toBe(401)
      }),
      { numRuns: 100 },
    )
  })
})
