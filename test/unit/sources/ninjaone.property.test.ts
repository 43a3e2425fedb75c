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
  new URL('../../fixtures/ninjaone/condition-triggered.json', import.meta.url),
  'utf8',
)

const setup = () => {
  const queue = createMemoryEventQueue()
  const { routes } = compileConfig({
    routes: { r: { source: 'ninjaone', auth: { type: 'query', param: 'token' } } },
  })
  const app = createIngestApp({
    routes,
    queue,
    secrets: createMemorySecretStore({ routes: { r: { current: 'tok' } } }),
    logger: createJsonLogger({ write: () => {} }),
    now: () => new Date('2026-03-01T10:00:00Z'),
  })
  return { app, queue }
}

const mutatedSample = fc
  .tuple(fc.nat({ max: SAMPLE.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }))
  .map(([at, char]) => SAMPLE.slice(0, at) + char + SAMPLE.slice(at + 1))

const id = fc.oneof(fc.integer(), fc.string(), fc.double(), fc.constant(null))
const activity = fc
  .record(
    {
      id,
      activityTime: fc.oneof(fc.double(), fc.integer(), fc.string()),
      deviceId: id,
      seriesUid: fc.string(),
      activityType: fc.oneof(fc.constantFrom('CONDITION', 'condition', 'SYSTEM'), fc.string()),
      statusCode: fc.oneof(fc.constantFrom('TRIGGERED', 'RESET', 'reset'), fc.string()),
      sourceConfigUid: fc.string({ maxLength: 300 }),
      sourceName: fc.string({ maxLength: 300 }),
      message: fc.oneof(fc.string(), fc.jsonValue()),
      severity: fc.oneof(fc.constantFrom('CRITICAL', 'MINOR', 'constructor'), fc.string()),
      device: fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            organizationId: id,
            displayName: fc.string({ maxLength: 400 }),
            systemName: fc.string({ maxLength: 400 }),
            references: fc.jsonValue(),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  )
  .map((value) => JSON.stringify(value))

const body = fc.oneof(fc.string(), fc.json(), mutatedSample, activity)
const token = fc.constantFrom('tok', 'tok2', '', undefined)
const headers = fc.dictionary(
  fc.stringMatching(/^x-[a-z]{1,12}$/),
  fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
  { maxKeys: 4 },
)

describe('ninjaone source under random input', () => {
  it('never throws, never answers 5xx, and enqueues only what it accepted', async () => {
    await fc.assert(
      fc.asyncProperty(body, token, headers, async (payload, given, extra) => {
        const { app, queue } = setup()

        const res = await app.request(`/hooks/r${given === undefined ? '' : `?token=${given}`}`, {
          method: 'POST',
          body: payload,
          headers: { 'content-type': 'application/json', ...extra },
        })

        expect(res.status).toBeLessThan(500)
        const pending = queue.pending()
        if (res.status !== 202) expect(pending).toEqual([])
        if (given !== 'tok') expect(res.status).toBe(401)
        for (const envelope of pending)
          expect(EnvelopeSchema.safeParse(envelope).success).toBe(true)
      }),
      { numRuns: 100 },
    )
  })
})
