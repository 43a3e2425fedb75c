import { describe, expect, it } from 'vitest'
import { QueueError } from '../../../shared/errors.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { envelopeFor } from '../../support/envelopes.js'

const clock = () => {
  let now = 1_000_000
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

describe('createMemoryEventQueue', () => {
  it('hands a received message to nobody else until its visibility timeout passes, then redelivers it', async () => {
    const time = clock()
    const queue = createMemoryEventQueue({ visibilityTimeoutMs: 1000, now: time.now })
    await queue.send([envelopeFor()])

    const [first] = queue.receive()
    expect(first?.receiveCount).toBe(1)
    expect(queue.receive()).toEqual([])

    time.advance(1001)
    const [again] = queue.receive()
    expect(again?.envelope.id).toBe(first?.envelope.id)
    expect(again?.receiveCount).toBe(2)
    expect(queue.ack(first?.receiptHandle ?? '')).toBe(false) // the old lease is stale
    expect(queue.ack(again?.receiptHandle ?? '')).toBe(true)
    expect(queue.stats()).toEqual({ queued: 0, inFlight: 0, deadLettered: 0 })
  })

  it('keeps the order of one key and hands out only one message per key at a time', async () => {
    const queue = createMemoryEventQueue()
    const firing = envelopeFor({ status: 'firing' })
    const resolved = envelopeFor({ status: 'resolved' })
    const other = envelopeFor({ key: 'cpu-web01' })
    await queue.send([firing, resolved, other])

    const batch = queue.receive(10)
    expect(batch.map((m) => m.envelope.id)).toEqual([firing.id, other.id])
    expect(queue.receive(10)).toEqual([])

    queue.ack(batch[0]?.receiptHandle ?? '')
    expect(queue.receive(10).map((m) => m.envelope.id)).toEqual([resolved.id])
  })

  it('accepts a repeated envelope id within the deduplication window without queueing it twice', async () => {
    const time = clock()
    const queue = createMemoryEventQueue({ deduplicationWindowMs: 5000, now: time.now })
    const envelope = envelopeFor()
    await queue.send([envelope])
    await queue.send([envelope])
    expect(queue.pending()).toHaveLength(1)

    queue.ack(queue.receive()[0]?.receiptHandle ?? '')
    time.advance(5001)
    await queue.send([envelope])
    expect(queue.pending()).toHaveLength(1)
  })

  it('moves a message to the dead-letter list after maxReceiveCount receives', async () => {
    const time = clock()
    const queue = createMemoryEventQueue({
      visibilityTimeoutMs: 10,
      maxReceiveCount: 2,
      now: time.now,
    })
    await queue.send([envelopeFor()])
    queue.receive()
    time.advance(11)
    queue.receive()
    time.advance(11)
    expect(queue.receive()).toEqual([])
    expect(queue.deadLetters()).toEqual([
      expect.objectContaining({
        receiveCount: 2,
        reason: expect.stringContaining('max_receive_count'),
      }),
    ])
  })

  it('defers with changeVisibility and parks with a reason', async () => {
    const time = clock()
    const queue = createMemoryEventQueue({ now: time.now })
    await queue.send([envelopeFor(), envelopeFor({ key: 'other' })])
    const [a, b] = queue.receive()
    queue.changeVisibility(a?.receiptHandle ?? '', 500)
    queue.deadLetter(b?.receiptHandle ?? '', 'payload_invalid: ticket.client_id')
    expect(queue.receive()).toEqual([])
    time.advance(501)
    expect(queue.receive()).toHaveLength(1)
    expect(queue.deadLetters()[0]?.reason).toBe('payload_invalid: ticket.client_id')
  })

  it('refuses the whole batch with QueueError when unavailable or full, keeping nothing', async () => {
    const queue = createMemoryEventQueue({ maxMessages: 1 })
    await expect(queue.send([envelopeFor(), envelopeFor({ key: 'b' })])).rejects.toBeInstanceOf(
      QueueError,
    )
    queue.setUnavailable(true)
    await expect(queue.send([envelopeFor()])).rejects.toBeInstanceOf(QueueError)
    expect(queue.pending()).toEqual([])
  })

  it('stores a copy, so later changes by the sender do not leak in', async () => {
    const queue = createMemoryEventQueue()
    const envelope = envelopeFor()
    await queue.send([envelope])
    envelope.alert.title = 'changed'
    expect(queue.pending()[0]?.alert.title).toBe('Disk almost full on db01')
  })

  it('wakes a waiting consumer when a message arrives', async () => {
    const queue = createMemoryEventQueue()
    const waited = queue.waitForMessages(60_000)
    await queue.send([envelopeFor()])
    await waited
    expect(queue.receive()).toHaveLength(1)
  })
})

describe('redrive', () => {
  it('moves a parked envelope back to the queue with its receives reset, once', async () => {
    const queue = createMemoryEventQueue()
    const envelope = envelopeFor({ key: 'k' })
    await queue.send([envelope])
    const [message] = queue.receive()
    queue.deadLetter(message?.receiptHandle as string, 'halo_request_failed: 400')

    expect(queue.redrive(envelope.id)).toBe(true)
    expect(queue.redrive(envelope.id)).toBe(false)
    expect(queue.deadLetters()).toEqual([])
    expect(queue.receive()).toEqual([expect.objectContaining({ receiveCount: 1 })])
  })
})
