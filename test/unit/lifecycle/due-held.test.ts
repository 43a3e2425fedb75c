import { describe, expect, it } from 'vitest'
import { deadlineOf, dueAtOf } from '../../../shared/lifecycle/due.js'
import { correlationRecord } from '../../support/contracts/correlation-store-contract.js'

const at = (minute: number) => new Date(Date.UTC(2026, 10, 28, 7, minute)).toISOString()
const heartbeat = { lastPingAt: at(0), deadline: at(40), name: 'Nightly backup' }

describe('a due time nothing came of (dueHeld)', () => {
  it('is left out of what the sweep lists, but a later deadline still is', () => {
    const record = correlationRecord({ heartbeat, closeAt: at(50), dueHeld: at(40) })

    expect(dueAtOf(record)).toBe(at(50))
    expect(dueAtOf({ ...record, closeAt: undefined })).toBeUndefined()
    // The timer for the held time is still decided when it is delivered (a replay).
    expect(deadlineOf(record)).toBe(at(40))
    expect(dueAtOf(correlationRecord({ heartbeat }))).toBe(at(40))
  })
})
