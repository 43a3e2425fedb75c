import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deliverEvent } from '../../../functions/deliver/deliver-event.js'
import { startHaloSandbox } from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import {
  type BatchMessage,
  type BatchQueue,
  deliveriesEndBy,
  processBatch,
  type RecordResult,
} from '../../../shared/delivery/process-batch.js'
import type { Envelope } from '../../../shared/envelope.js'
import { createHaloClient } from '../../../shared/halo/halo-client.js'
import { createHaloDirectory } from '../../../shared/halo/halo-directory.js'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { silentLogger } from '../../../shared/observability.js'
import { fifoGroupId } from '../../../shared/queue/sqs-event-queue.js'
import { envelopeFor } from '../../support/envelopes.js'

// A deliver batch against a slow Halo (the sandbox over HTTP, 300 ms per request) with less time
// than its records need, run as the Lambda runs it: the Halo client ends its calls by the batch's
// deadline, and processBatch hands back what it could not finish. Batches repeat, as SQS would
// redeliver, until the queue is empty.

const { routes } = compileConfig({
  routes: {
    alpha: {
      source: 'generic',
      auth: { type: 'bearer' },
      alert: { key: '{% payload.id %}', title: '{% payload.t %}' },
      ticket: { client_id: 12 },
      lifecycle: { resolve: 'close', afterClosed: 'new' },
    },
  },
})

/**
 * The invocation: 4.5 s, of which 1.5 s is kept to finish (ample on a busy machine: handing back
 * takes milliseconds); records start only with 3 s left.
 */
const INVOCATION_MS = 4_500
const FINISH_MS = 1_500
const MIN_REMAINING_MS = 3_000

let sandbox: Awaited<ReturnType<typeof startHaloSandbox>>
beforeAll(async () => {
  sandbox = await startHaloSandbox({ port: 0 })
})
afterAll(async () => {
  sandbox.sandbox.releaseHangs()
  await sandbox.close()
})

/**
 * A stand-in for the SQS FIFO queue at the edge of AWS: a batch is every pending message in
 * order (SQS hands out several of one group); completed ones are deleted, deferred ones stay.
 */
const fifoQueue = (envelopes: readonly Envelope[]) => {
  const pending = envelopes.map(
    (envelope): BatchMessage => ({
      id: envelope.id,
      group: fifoGroupId(envelope),
      body: JSON.stringify(envelope),
      receiveCount: 0,
      correlationId: envelope.id,
    }),
  )
  const parked: string[] = []
  const port: BatchQueue<BatchMessage> = {
    complete: async (message) => void pending.splice(pending.indexOf(message), 1),
    defer: async () => {},
    park: async (message) => {
      parked.push(message.id)
    },
  }
  return {
    port,
    parked,
    receive: () =>
      pending.slice(0, 10).map((message) => {
        message.receiveCount += 1
        return message
      }),
    get size() {
      return pending.length
    },
  }
}

const alertsOf = (key: string, statuses: ReadonlyArray<'firing' | 'resolved'>) =>
  statuses.map((status, index) =>
    envelopeFor(
      { key, status, occurredAt: new Date(Date.UTC(2026, 10, 28, 7, index)).toISOString() },
      { route: 'alpha' },
    ),
  )

describe('a deliver batch with less time than its records need', () => {
  it('ends its Halo calls by the deadline, hands the rest back, and loses or duplicates nothing', async () => {
    // Prepare: two groups; db01 fires and resolves three times (three tickets, each closed),
    // web01 once. Every request takes 300 ms, and the first ticket write is committed but
    // never answered.
    const envelopes = [
      ...alertsOf('db01', ['firing', 'resolved', 'firing', 'resolved', 'firing', 'resolved']),
      ...alertsOf('web01', ['firing', 'resolved']),
    ]
    const queue = fifoQueue(envelopes)
    sandbox.sandbox.setFaults({
      latencyMs: 300,
      next: [{ drop: 'hang', match: 'post /api/tickets' }],
    })
    let endBy: number | undefined
    const halo = createHaloClient({
      baseUrl: sandbox.url,
      clientId: 'halo-hooks-local',
      clientSecret: 'local-sandbox-secret',
      timeoutMs: 60_000, // only the deadline can end the unanswered write in time
      maxAttempts: 3,
      maxWaitMs: 1_000,
      endBy: () => endBy,
    })
    const deps = {
      routes,
      halo,
      directory: createHaloDirectory(halo, { ttlMs: 60_000 }),
      store: createMemoryCorrelationStore(),
      logger: silentLogger,
      now: () => new Date(),
    }
    const results: Array<{ id: string; kind: RecordResult['kind'] }> = []

    // Act: invocations until the queue is empty, as the event source mapping would run them.
    const overruns: number[] = []
    for (let invocation = 0; queue.size > 0 && invocation < 10; invocation++) {
      const invocationEnd = Date.now() + INVOCATION_MS
      const remainingMs = () => invocationEnd - Date.now()
      endBy = deliveriesEndBy(remainingMs(), Date.now(), FINISH_MS)
      await processBatch(queue.receive(), {
        queue: queue.port,
        deliver: (message) => deliverEvent(message.body, deps),
        logger: silentLogger,
        onResult: (result, message) => results.push({ id: message.id, kind: result.kind }),
        remainingMs,
        minRemainingMs: MIN_REMAINING_MS,
        finishMs: FINISH_MS,
      })
      if (Date.now() > invocationEnd) overruns.push(Date.now() - invocationEnd)
    }

    // Assess: no invocation overran; some records were handed back, none was deferred or
    // parked; each envelope was done exactly once; Halo has exactly the four tickets, closed.
    expect(overruns).toEqual([])
    expect(queue.size).toBe(0)
    expect(queue.parked).toEqual([])
    const kinds = new Set(results.map(({ kind }) => kind))
    expect(kinds).toEqual(new Set(['done', 'held']))
    const done = results.filter(({ kind }) => kind === 'done').map(({ id }) => id)
    expect(done.sort()).toEqual(envelopes.map(({ id }) => id).sort())
    const tickets = sandbox.sandbox.tickets()
    expect(tickets).toHaveLength(4)
    expect(tickets.every((ticket) => (ticket as { hasbeenclosed?: boolean }).hasbeenclosed)).toBe(
      true,
    )
  }, 60_000)
})
