import { describe } from 'vitest'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { correlationStoreContract } from '../../support/contracts/correlation-store-contract.js'

describe('createMemoryCorrelationStore', () => {
  const store = createMemoryCorrelationStore()
  correlationStoreContract(() => store)
})
