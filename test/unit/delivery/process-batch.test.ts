import { describe, expect, it } from 'vitest'
import { deliveryRecordOf } from '../../../shared/delivery/delivery-history.js'
import { createMemoryDeliveryHistory } from '../../../shared/delivery/memory-delivery-history.js'
import { processBatch } from '../../../shared/delivery/process-batch.js'
import { HaloApiError } from '../../../shared/errors.js'
import { createJsonLogger, silentLogger } from '../../../shared/observability.js'
import {
  createLocalBatchQueue,
  localBatchMessage,
} from '../../../shared/queue/local-batch-queue.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { envelopeFor } from '../../support/envelopes.js'

const haloDown = () =>
  new HaloApiError(503, 'POST /Tickets -> 503: down', { kind: 'http', endpoint: 'POST /Tickets' })

describe('processBatch on the memory queue', () => {
  it('parks a message with its last failure on its last receive, before the queue would', async () => {
    let clock = 0
    const queue = createMemoryEventQueue({ maxReceiveCount: 3, now: () => clock })
    await queue.send([envelopeFor({ key: 'k' })])
    const results: string[] = []

    for (let attempt = 1; attempt <= 3; attempt++) {
      const batch = queue.receive(10).map(localBatchMessage)
      expect(batch).toHaveLength(1)
      await processBatch(batch, {
        queue: createLocalBatchQueue(queue),
        deliver: async () => {
          throw haloDown()
        },
        logger: silentLogger,
        maxReceives: queue.maxReceiveCount,
        onResult: (result) => results.push(result.kind),
      })
      clock += 60 * 60_000 // past any deferral
    }

    expect(results).toEqual(['deferred', 'deferred', 'parked'])
    expect(queue.deadLetters()).toEqual([
      expect.objectContaining({
        reason:
          'retries_exhausted after 3 receives; last failure halo_request_failed: POST /Tickets -> 503: down',
      }),
    ])
    expect(queue.stats()).toMatchObject({ queued: 0, inFlight: 0, deadLettered: 1 })
  })
})

describe('the delivery history of a batch', () => {
  it('keeps each envelope’s latest outcome: deferred with its next attempt, then parked with why', async () => {
    let clock = Date.parse('2026-11-28T12:00:00Z')
    const queue = createMemoryEventQueue({ maxReceiveCount: 2, now: () => clock })
    const envelope = envelopeFor({ key: 'db01' })
    await queue.send([envelope])
    const history = createMemoryDeliveryHistory()
    const run = async () =>
      processBatch(queue.receive(10).map(localBatchMessage), {
        queue: createLocalBatchQueue(queue),
        deliver: async () => {
          throw haloDown()
        },
        logger: silentLogger,
        maxReceives: queue.maxReceiveCount,
        onResult: (result, message) =>
          void history.record(deliveryRecordOf(result, message, new Date(clock))),
        retryBaseMs: 2_000,
      })

    await run()
    expect(await history.list()).toEqual([
      expect.objectContaining({
        envelopeId: envelope.id,
        route: 'example-hmac',
        key: 'db01',
        outcome: 'deferred',
        code: 'halo_request_failed',
        nextAttemptAt: '2026-11-28T12:00:02.000Z',
        receiveCount: 1,
      }),
    ])
    clock += 60_000
    await run()
    expect(await history.list({ outcome: 'parked' })).toEqual([
      expect.objectContaining({ envelopeId: envelope.id, code: 'retries_exhausted' }),
    ])
    expect(await history.list({ outcome: 'deferred' })).toEqual([])
  })
})

describe('the audit lines of a batch', () => {
  it('name the envelope, route and key on deferred and parked lines too', async () => {
    let clock = 0
    const queue = createMemoryEventQueue({ maxReceiveCount: 2, now: () => clock })
    const envelope = envelopeFor({ key: 'db01' })
    await queue.send([envelope])
    const lines: Record<string, unknown>[] = []
    const logger = createJsonLogger({ write: (line) => lines.push(JSON.parse(line)) })
    for (let attempt = 1; attempt <= 2; attempt++) {
      await processBatch(queue.receive(10).map(localBatchMessage), {
        queue: createLocalBatchQueue(queue),
        deliver: async () => {
          throw haloDown()
        },
        logger,
        maxReceives: queue.maxReceiveCount,
      })
      clock += 60 * 60_000
    }

    const audit = lines.filter((line) => /^envelope (deferred|parked)$/.test(String(line.message)))
    expect(audit.map((line) => line.message)).toEqual(['envelope deferred', 'envelope parked'])
    for (const line of audit) {
      expect(line).toMatchObject({ envelopeId: envelope.id, route: 'example-hmac', key: 'db01' })
    }
  })
})
