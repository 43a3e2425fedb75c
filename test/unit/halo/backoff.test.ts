import { describe, expect, it } from 'vitest'
import { backoffDelay, parseRetryAfter } from '../../../shared/halo/backoff.js'

describe('backoffDelay', () => {
  it('doubles from the base and stays between half and all of the ceiling', () => {
    const options = { baseMs: 1_000, maxMs: 60_000 }

    expect(backoffDelay(0, options, () => 0)).toBe(500)
    expect(backoffDelay(0, options, () => 1)).toBe(1_000)
    expect(backoffDelay(3, options, () => 0)).toBe(4_000)
    expect(backoffDelay(3, options, () => 1)).toBe(8_000)
  })

  it('never exceeds the cap', () => {
    expect(backoffDelay(30, { baseMs: 1_000, maxMs: 60_000 }, () => 1)).toBe(60_000)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z')

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('2', now)).toBe(2_000)
  })

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000)
  })

  it('is undefined when absent or unreadable', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
  })
})
