import { describe, expect, it } from 'vitest'
import { classifyFailure } from '../../../shared/delivery/failure-policy.js'
import { HaloApiError, PayloadError, QueueError } from '../../../shared/errors.js'

describe('classifyFailure', () => {
  it.each([
    [503, 1, 2_000],
    [429, 2, 4_000],
    [500, 3, 8_000],
    [502, 20, 1_800_000],
  ])('defers a Halo %i on receive %i by %i ms', (status, receiveCount, delayMs) => {
    expect(
      classifyFailure(
        new HaloApiError(status, 'x', { kind: 'http', endpoint: 'POST /Tickets' }),
        receiveCount,
      ),
    ).toEqual({
      action: 'defer',
      delayMs,
      code: 'halo_request_failed',
    })
  })

  it('defers by the wait a failure asks for', () => {
    const error = new QueueError('busy', { retryAfterMs: 12_345 })
    expect(classifyFailure(error, 1, 2_000, () => 0)).toMatchObject({
      action: 'defer',
      delayMs: 12_345,
    })
    // Up to a tenth of the wait (a second at most) more, so a line does not come back at once.
    expect(classifyFailure(error, 1, 2_000, () => 1)).toMatchObject({ delayMs: 13_345 })
    const short = new QueueError('busy', { retryAfterMs: 2_000 })
    expect(classifyFailure(short, 1, 2_000, () => 1)).toMatchObject({ delayMs: 2_200 })
  })

  it("caps back-off at 30 minutes and a named wait at SQS's 12 hours", () => {
    expect(classifyFailure(new QueueError('busy'), 50)).toMatchObject({ delayMs: 1_800_000 })
    const far = new QueueError('busy', { retryAfterMs: 48 * 3_600_000 })
    expect(classifyFailure(far, 1)).toMatchObject({ delayMs: 12 * 3_600_000 })
  })

  it('parks a permanent failure at once with its code and reason', () => {
    expect(
      classifyFailure(
        new HaloApiError(400, 'An Outcome must be entered', {
          kind: 'http',
          endpoint: 'POST /Tickets',
        }),
        1,
      ),
    ).toEqual({
      action: 'park',
      code: 'halo_request_failed',
      reason: 'halo_request_failed: An Outcome must be entered',
    })
    expect(classifyFailure(new PayloadError('payload_invalid', 'bad ticket'), 1)).toMatchObject({
      action: 'park',
      code: 'payload_invalid',
    })
  })

  it('parks an unexpected error as internal rather than retrying it forever', () => {
    expect(classifyFailure(new TypeError('x is undefined'), 1)).toEqual({
      action: 'park',
      code: 'internal',
      reason: 'internal: x is undefined',
    })
  })
})
