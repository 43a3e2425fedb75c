import { describe, expect, it } from 'vitest'
import type { AlertEnvelope } from '../../../shared/envelope.js'
import { QueueError } from '../../../shared/errors.js'
import { handOver } from '../../../shared/plain-copy.js'
import type {
  LocalEventQueue,
  LocalEventQueueOptions,
} from '../../../shared/queue/local-event-queue.js'
import { envelopeFor, pendingAlerts } from '../envelopes.js'

const clock = () => {
  let now = 1_000_000
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

/**
 * What every {@link LocalEventQueue} adapter must do, run once per adapter: SQS FIFO's semantics
 * with a dead-letter list. `create` gives a new, empty queue.
 */
export const localEventQueueContract = (
  create: (options?: LocalEventQueueOptions) => LocalEventQueue,
) => {
  describe('the local event queue contract', () => {
    it('hands a received message to nobody else until its visibility timeout passes, then redelivers it', async () => {
      const time = clock()
      const queue = create({ visibilityTimeoutMs: 1000, now: time.now })
      await queue.send([envelopeFor()])

      const [first] = queue.receive()
      expect(first?.receiveCount).toBe(1)
      expect(queue.receive()).toEqual([])

      time.advance(1001)
      const [again] = queue.receive()
      expect(again?.envelope.id).toBe(first?.envelope.id)
      expect(again?.receiveCount).toBe(2)
      expect(queue.ack(first?.receiptHandle ?? '')).toBe(false) // the old lease is stale
      expect(queue.changeVisibility(first?.receiptHandle ?? '', 0)).toBe(false)
      expect(queue.deadLetter(first?.receiptHandle ?? '', 'late')).toBe(false)
      expect(queue.ack(again?.receiptHandle ?? '')).toBe(true)
      expect(queue.stats()).toEqual({ queued: 0, inFlight: 0, deadLettered: 0 })
    })

    it('keeps the order of one key and hands out only one message per key at a time', async () => {
      const queue = create()
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

    it('hands out at most `max` messages, oldest first', async () => {
      const queue = create()
      const envelopes = ['a', 'b', 'c'].map((key) => envelopeFor({ key }))
      await queue.send(envelopes)

      expect(queue.receive(2).map((m) => m.envelope.id)).toEqual([
        envelopes[0]?.id,
        envelopes[1]?.id,
      ])
      expect(queue.receive(2).map((m) => m.envelope.id)).toEqual([envelopes[2]?.id])
    })

    it('accepts a repeated envelope id within the deduplication window without queueing it twice', async () => {
      const time = clock()
      const queue = create({ deduplicationWindowMs: 5000, now: time.now })
      const envelope = envelopeFor()
      await queue.send([envelope, envelope])
      await queue.send([envelope])
      expect(pendingAlerts(queue)).toHaveLength(1)

      queue.ack(queue.receive()[0]?.receiptHandle ?? '')
      time.advance(5001)
      await queue.send([envelope])
      expect(pendingAlerts(queue)).toHaveLength(1)
    })

    it('ends the deduplication window of each envelope id on its own', async () => {
      const time = clock()
      const queue = create({ deduplicationWindowMs: 5000, now: time.now })
      const first = envelopeFor({ key: 'first' })
      const second = envelopeFor({ key: 'second' })
      const drain = () => {
        for (const message of queue.receive(10)) queue.ack(message.receiptHandle)
      }
      await queue.send([first])
      time.advance(3000)
      await queue.send([second])
      drain()

      time.advance(2500) // the first's window is over, the second's is not
      await queue.send([second])
      expect(pendingAlerts(queue)).toHaveLength(0)
      await queue.send([first])
      expect(pendingAlerts(queue)).toHaveLength(1)
      drain()

      time.advance(2501) // now the second's too
      await queue.send([second])
      expect(pendingAlerts(queue)).toHaveLength(1)
    })

    it('moves a message to the dead-letter list after maxReceiveCount receives, and lets its group go on', async () => {
      const time = clock()
      const queue = create({ visibilityTimeoutMs: 10, maxReceiveCount: 2, now: time.now })
      const stuck = envelopeFor({ status: 'firing' })
      const next = envelopeFor({ status: 'resolved' })
      await queue.send([stuck, next])
      queue.receive()
      time.advance(11)
      queue.receive()
      time.advance(11)

      expect(queue.receive().map((m) => m.envelope.id)).toEqual([next.id])
      expect(queue.deadLetters()).toEqual([
        {
          envelope: stuck,
          receiveCount: 2,
          reason: 'max_receive_count: not acknowledged after 2 receives',
        },
      ])
      expect(queue.maxReceiveCount).toBe(2)
    })

    it("gives a dead-lettered head's turn to its group's next message, before younger groups", async () => {
      const time = clock()
      const queue = create({ visibilityTimeoutMs: 10, maxReceiveCount: 1, now: time.now })
      const stuck = envelopeFor({ status: 'firing' })
      const next = envelopeFor({ status: 'resolved' })
      const other = envelopeFor({ key: 'other' })
      await queue.send([stuck, next])
      queue.receive(1)
      time.advance(11)
      await queue.send([other])

      expect(queue.receive(1).map((m) => m.envelope.id)).toEqual([next.id])
      expect(queue.receive(1).map((m) => m.envelope.id)).toEqual([other.id])
    })

    it('hands a message out once per receive, even with no visibility timeout', async () => {
      const queue = create({ visibilityTimeoutMs: 0 })
      await queue.send([envelopeFor()])
      expect(queue.receive(10)).toHaveLength(1)
      expect(queue.receive(10)).toEqual([expect.objectContaining({ receiveCount: 2 })])
    })

    it('defers with changeVisibility and parks with a reason', async () => {
      const time = clock()
      const queue = create({ now: time.now })
      await queue.send([envelopeFor(), envelopeFor({ key: 'other' })])
      const [a, b] = queue.receive()
      expect(queue.changeVisibility(a?.receiptHandle ?? '', 500)).toBe(true)
      expect(queue.deadLetter(b?.receiptHandle ?? '', 'payload_invalid: ticket.client_id')).toBe(
        true,
      )
      expect(queue.receive()).toEqual([])
      expect(queue.stats()).toEqual({ queued: 0, inFlight: 1, deadLettered: 1 })
      time.advance(501)
      expect(queue.stats()).toEqual({ queued: 1, inFlight: 0, deadLettered: 1 })
      expect(queue.receive()).toEqual([expect.objectContaining({ receiveCount: 2 })])
      expect(queue.deadLetters()).toEqual([
        expect.objectContaining({ reason: 'payload_invalid: ticket.client_id', receiveCount: 1 }),
      ])
    })

    it('keeps a deferred message its receipt handle until it is received again', async () => {
      const queue = create()
      await queue.send([envelopeFor()])
      const [message] = queue.receive()
      queue.changeVisibility(message?.receiptHandle ?? '', 60_000)
      expect(queue.ack(message?.receiptHandle ?? '')).toBe(true)
      expect(pendingAlerts(queue)).toEqual([])
    })

    it('refuses the whole batch with QueueError when unavailable or full, keeping nothing', async () => {
      const queue = create({ maxMessages: 1 })
      await expect(queue.send([envelopeFor(), envelopeFor({ key: 'b' })])).rejects.toBeInstanceOf(
        QueueError,
      )
      queue.setUnavailable(true)
      await expect(queue.send([envelopeFor()])).rejects.toBeInstanceOf(QueueError)
      expect(pendingAlerts(queue)).toEqual([])
      queue.setUnavailable(false)
      await queue.send([envelopeFor()])
      expect(pendingAlerts(queue)).toHaveLength(1)
    })

    it('stores a copy, so later changes by the sender do not leak in', async () => {
      const queue = create()
      const envelope = envelopeFor()
      await queue.send([envelope])
      envelope.alert.title = 'changed'
      expect(pendingAlerts(queue)[0]?.alert.title).toBe('Disk almost full on db01')
    })

    it('hands out an envelope its creator handed over as sent; a reader cannot change it', async () => {
      const queue = create()
      await queue.send([handOver(envelopeFor())])
      const [message] = queue.receive()
      const envelope = message?.envelope as AlertEnvelope
      expect(envelope).toEqual(envelopeFor())
      try {
        envelope.alert.title = 'changed'
      } catch {
        // The memory queue's envelopes are frozen; the SQLite queue's are copies.
      }
      expect(pendingAlerts(queue)[0]?.alert.title).toBe('Disk almost full on db01')
    })

    it('wakes a waiting consumer when a message arrives, and when a group frees up', async () => {
      const queue = create()
      const waited = queue.waitForMessages(60_000)
      await queue.send([envelopeFor(), envelopeFor({ status: 'resolved' })])
      await waited
      const [first] = queue.receive()
      const freed = queue.waitForMessages(60_000)
      queue.ack(first?.receiptHandle ?? '')
      await freed
      expect(queue.receive()).toHaveLength(1)
    })

    it('resolves a wait with nothing to hand out after its timeout', async () => {
      const queue = create()
      await queue.waitForMessages(5)
      expect(queue.receive()).toEqual([])
    })

    it('moves a parked envelope back to the end of the queue with its receives reset, once', async () => {
      const queue = create()
      const envelope = envelopeFor({ key: 'k' })
      const later = envelopeFor({ key: 'k', status: 'resolved' })
      await queue.send([envelope])
      const [message] = queue.receive()
      queue.deadLetter(message?.receiptHandle as string, 'halo_request_failed: 400')
      await queue.send([later])

      expect(queue.redrive(envelope.id)).toBe(true)
      expect(queue.redrive(envelope.id)).toBe(false)
      expect(queue.deadLetters()).toEqual([])
      expect(pendingAlerts(queue).map((e) => e.id)).toEqual([later.id, envelope.id])
      const [first] = queue.receive()
      expect(first).toMatchObject({ envelope: later, receiveCount: 1 })
      queue.ack(first?.receiptHandle ?? '')
      expect(queue.receive()).toEqual([expect.objectContaining({ envelope, receiveCount: 1 })])
    })
  })
}
