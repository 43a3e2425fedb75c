import { describe } from 'vitest'
import { createMemoryDeliveryHistory } from '../../../shared/delivery/memory-delivery-history.js'
import { deliveryHistoryContract } from '../../support/contracts/delivery-history-contract.js'

describe('createMemoryDeliveryHistory', () => {
  deliveryHistoryContract(createMemoryDeliveryHistory)
})
