import { describe } from 'vitest'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { localEventQueueContract } from '../../support/contracts/local-event-queue-contract.js'

describe('createMemoryEventQueue', () => {
  localEventQueueContract(createMemoryEventQueue)
})
