import { describe, expect, it } from 'vitest'
import { processBatch } from '../../../shared/delivery/process-batch.js'
import { HaloApiError } from '../../../shared/errors.js'
import { silentLogger } from '../../../shared/observability.js'
import {
  createMemoryBatchQueue,
  memoryBatchMessage,
} from '../../../shared/queue/memory-batch-queue.js'
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
      const batch = queue.receive(10).map(memoryBatchMessage)
      expect(batch).toHaveLength(1)
      await processBatch(batch, {
        queue: createMemoryBatchQueue(queue),
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
