import { describe, expect, it } from 'vitest'
import { handOver } from '../../../shared/plain-copy.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { localEventQueueContract } from '../../support/contracts/local-event-queue-contract.js'
import { envelopeFor } from '../../support/envelopes.js'

describe('createMemoryEventQueue', () => {
  localEventQueueContract(createMemoryEventQueue)

  it('keeps a handed-over envelope itself, and freezes it when it is first read', async () => {
    const queue = createMemoryEventQueue()
    const envelope = handOver(envelopeFor())
    await queue.send([envelope])
    expect(Object.isFrozen(envelope.alert)).toBe(false)

    const [message] = queue.receive()

    expect(message?.envelope).toBe(envelope)
    expect(Object.isFrozen(envelope.alert)).toBe(true)
    expect(queue.pending()[0]).toBe(envelope)
  })
})
