import { describe, expect, it } from 'vitest'
import { QueueError } from '../../../shared/errors.js'
import { createSqliteEventQueue } from '../../../shared/queue/sqlite-event-queue.js'
import { localEventQueueContract } from '../../support/contracts/local-event-queue-contract.js'
import { envelopeFor } from '../../support/envelopes.js'
import { sqliteFiles } from '../../support/sqlite.js'

const files = sqliteFiles()

describe('createSqliteEventQueue', () => {
  localEventQueueContract((options) => createSqliteEventQueue(files.fresh().db, options))

  it('keeps messages, their order, dead letters and seen ids across a restart', async () => {
    const file = files.newFile()
    const first = files.open(file)
    const queue = createSqliteEventQueue(first.db)
    const a = envelopeFor()
    const b = envelopeFor({ status: 'resolved' })
    const c = envelopeFor({ key: 'x' })
    await queue.send([a, b, c])
    const received = queue.receive(10)
    queue.deadLetter(received[1]?.receiptHandle ?? '', 'unroutable: no client')
    first.close()

    const again = createSqliteEventQueue(files.open(file).db)
    expect(again.pending().map((envelope) => envelope.id)).toEqual([a.id, b.id])
    expect(again.deadLetters()).toEqual([
      { envelope: c, reason: 'unroutable: no client', receiveCount: 1 },
    ])
    await again.send([a]) // still within its deduplication window
    expect(again.pending()).toHaveLength(2)
    expect(again.redrive(c.id)).toBe(true)
  })

  it('hands out at once what a process that is gone had received, its receive counted, but keeps a deferral', async () => {
    const file = files.newFile()
    const first = files.open(file)
    const queue = createSqliteEventQueue(first.db)
    await queue.send([envelopeFor({ key: 'leased' }), envelopeFor({ key: 'deferred' })])
    const [leased, deferred] = queue.receive(10)
    queue.changeVisibility(deferred?.receiptHandle ?? '', 60_000)
    first.close()

    const again = createSqliteEventQueue(files.open(file).db)
    const [redelivered] = again.receive(10)
    expect(redelivered).toMatchObject({ envelope: leased?.envelope, receiveCount: 2 })
    expect(again.receive(10)).toEqual([])
    expect(again.stats()).toEqual({ queued: 0, inFlight: 2, deadLettered: 0 })
    expect(again.ack(leased?.receiptHandle ?? '')).toBe(false)
  })

  it('answers QueueError (ingest: 503) when the file cannot take the envelopes, and keeps none', async () => {
    const { db } = files.fresh()
    const queue = createSqliteEventQueue(db)
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`)
    const big = envelopeFor({ description: 'x'.repeat(100_000) })

    await expect(queue.send([envelopeFor({ key: 'small' }), big])).rejects.toSatisfy(
      (error) => error instanceof QueueError && error.retryable,
    )
    expect(queue.pending()).toEqual([])
  })
})
