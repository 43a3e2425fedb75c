import { describe } from 'vitest'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import {
  correlationStoreContract,
  standInDueAtOf,
} from '../../support/contracts/correlation-store-contract.js'

describe('createMemoryCorrelationStore', () => {
  const store = createMemoryCorrelationStore({ dueAtOf: standInDueAtOf })
  correlationStoreContract(() => store)
})
