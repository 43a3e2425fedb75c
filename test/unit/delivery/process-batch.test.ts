import { describe, expect, it } from 'vitest'
import { deliveryRecordOf } from '../../../shared/delivery/delivery-history.js'
import { createMemoryDeliveryHistory } from '../../../shared/delivery/memory-delivery-history.js'
import {
  type BatchMessage,
  type BatchQueue,
  processBatch,
} from '../../../shared/delivery/process-batch.js'
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

describe('a batch running out of time', () => {
  const deadlineHit = () =>
    new HaloApiError(undefined, "POST /Tickets: not sent, the worker's time is up", {
      kind: 'deadline',
      endpoint: 'POST /Tickets',
      retryable: true,
    })

  /** One FIFO group of `count` messages, as SQS hands them out, and a queue that records. */
  const groupOf = (count: number) => {
    const messages: BatchMessage[] = Array.from({ length: count }, (_, index) => ({
      id: `m${index}`,
      group: 'example-hmac:db01',
      body: envelopeFor({ key: 'db01', occurredAt: new Date(index * 60_000).toISOString() }),
      receiveCount: 1,
      correlationId: `m${index}`,
    }))
    const done: string[] = []
    const deferred: Array<{ ids: string[]; delayMs: number }> = []
    const queue: BatchQueue<BatchMessage> = {
      complete: async ({ id }) => void done.push(id),
      defer: async (batch, delayMs) =>
        void deferred.push({ ids: batch.map(({ id }) => id), delayMs }),
      park: async () => {},
    }
    return { messages, queue, done, deferred }
  }

  it('hands back, unjudged, the message the deadline cut short and the rest of its group', async () => {
    // Prepare: a 60 s invocation; the first delivery takes 40 s, the second hits the deadline.
    const { messages, queue, done, deferred } = groupOf(3)
    const clock = { ms: 0 }
    const invocationEnd = 60_000
    const attempted: string[] = []
    const results: string[] = []

    // Act
    const unfinished = await processBatch(messages, {
      queue,
      deliver: async (message) => {
        attempted.push(message.id)
        if (attempted.length === 1) {
          clock.ms += 40_000
          return {
            outcome: 'delivered',
            envelopeId: message.id,
            route: 'r',
            key: 'db01',
            action: 'create',
          }
        }
        clock.ms = invocationEnd - 5_500 // within finishMs and a second of the end
        throw deadlineHit()
      },
      logger: silentLogger,
      remainingMs: () => invocationEnd - clock.ms,
      minRemainingMs: 10_000,
      finishMs: 5_000,
      onResult: (result) => results.push(result.kind),
      now: () => clock.ms,
    })

    // Assess: the cut-short message and the one behind it come back at once, in order, with no
    // back-off and not as a failure; the third was never attempted.
    expect(attempted).toEqual(['m0', 'm1'])
    expect(done).toEqual(['m0'])
    expect(results).toEqual(['done', 'held', 'held'])
    expect(deferred).toEqual([{ ids: ['m1', 'm2'], delayMs: 0 }])
    expect(unfinished.map(({ id }) => id)).toEqual(['m1', 'm2'])
  })

  it('still defers with a back-off a failure that comes while there is time left', async () => {
    const { messages, queue, deferred } = groupOf(2)
    const results: string[] = []

    await processBatch(messages, {
      queue,
      deliver: async () => {
        throw haloDown()
      },
      logger: silentLogger,
      remainingMs: () => 50_000,
      onResult: (result) => results.push(result.kind),
      retryBaseMs: 2_000,
    })

    expect(results).toEqual(['deferred', 'held'])
    expect(deferred).toEqual([{ ids: ['m0', 'm1'], delayMs: 2_000 }])
  })

  it('parks a message handed back on its last receive, saying why, before the queue would', async () => {
    const queue = createMemoryEventQueue({ maxReceiveCount: 1, now: () => 0 })
    const envelope = envelopeFor({ key: 'db01' })
    await queue.send([envelope])
    const results: string[] = []

    await processBatch(queue.receive(10).map(localBatchMessage), {
      queue: createLocalBatchQueue(queue),
      deliver: async () => {
        throw haloDown()
      },
      logger: silentLogger,
      remainingMs: () => 3_000,
      minRemainingMs: 10_000,
      maxReceives: queue.maxReceiveCount,
      onResult: (result) => results.push(result.kind),
      now: () => 0,
    })

    expect(results).toEqual(['parked'])
    expect(queue.deadLetters()).toEqual([
      expect.objectContaining({
        envelope: expect.objectContaining({ id: envelope.id }),
        reason:
          'retries_exhausted after 1 receives; last handed back: too little time left to start it',
      }),
    ])
  })
})

describe('the log lines of a batch', () => {
  it('name an envelope only the envelope schema can read, as every other one', async () => {
    // JSON.parse makes `__proto__` an own key: the compiled reader leaves such a message to the
    // schema, which the batch loads before its first line.
    const envelope = envelopeFor({ key: 'db01' })
    const body = JSON.parse(JSON.stringify(envelope).replace(/^\{/, '{"__proto__":{"x":1},'))
    const lines: Record<string, unknown>[] = []
    const logger = createJsonLogger({ write: (line) => lines.push(JSON.parse(line)) })

    await processBatch([{ id: 'm1', group: 'g', body, receiveCount: 1, correlationId: 'm1' }], {
      queue: { complete: async () => {}, defer: async () => {}, park: async () => {} },
      deliver: async () => {
        throw haloDown()
      },
      logger,
    })

    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'envelope deferred',
        envelopeId: envelope.id,
        key: 'db01',
      }),
    )
  })
})
