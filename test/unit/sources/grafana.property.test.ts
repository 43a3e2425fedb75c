import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIngestApp } from '../../../functions/ingest/app.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { createJsonLogger } from '../../../shared/observability.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'

const sample = readFileSync(new URL('../../fixtures/grafana/alert-9.json', import.meta.url))
const NOW = new Date('2026-11-28T08:00:00Z')
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000)

const setup = () => {
  const { routes } = compileConfig({
    routes: {
      r: {
        source: 'grafana',
        options: { hmac: { header: 'x-sig', timestampHeader: 'x-ts' } },
      },
    },
  })
  const queue = createMemoryEventQueue()
  const app = createIngestApp({
    routes,
    queue,
    secrets: createMemorySecretStore({ routes: { r: { current: 'secret' } } }),
    logger: createJsonLogger({ write: () => {} }),
    now: () => NOW,
  })
  return { app, queue }
}

const sign = (body: Uint8Array, timestamp: string) =>
  createHmac('sha256', 'secret').update(`${timestamp}:`).update(body).digest('hex')

const bodies = fc.oneof(
  fc
    .record({ index: fc.nat({ max: sample.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) })
    .map(({ index, byte }) => {
      const body = Buffer.from(sample)
      body[index] = byte
      return new Uint8Array(body)
    }),
  fc.json().map((text) => new TextEncoder().encode(text)),
  fc.uint8Array({ maxLength: 512 }),
)

/** Signed correctly, signed then tampered, or random headers. */
const signing = fc.constantFrom('valid', 'bad-signature', 'stale', 'random')
const printable = fc.string().map((text) => text.replace(/[^\x20-\x7e]/g, ''))

describe('grafana source under random input', () => {
  it('never lets an exception escape, never answers 5xx, enqueues nothing when it rejects', async () => {
    await fc.assert(
      fc.asyncProperty(bodies, signing, printable, printable, async (body, mode, sig, ts) => {
        const { app, queue } = setup()
        const now = String(NOW_SECONDS)
        const stale = String(NOW_SECONDS - 3600)
        const headers: Record<string, string> =
          mode === 'valid'
            ? { 'x-ts': now, 'x-sig': sign(body, now) }
            : mode === 'bad-signature'
              ? {
                  'x-ts': now,
                  'x-sig': sign(body, now).replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
                }
              : mode === 'stale'
                ? { 'x-ts': stale, 'x-sig': sign(body, stale) }
                : { 'x-ts': ts, 'x-sig': sig }
        const response = await app.request('/hooks/r', { method: 'POST', body, headers })
        expect(response.status).toBeLessThan(500)
        if (response.status !== 202) expect(queue.pending()).toHaveLength(0)
        if (mode !== 'valid') expect(response.status).toBe(401)
      }),
      { numRuns: 100 },
    )
  })
})
