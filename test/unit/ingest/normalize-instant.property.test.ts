import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normalizeInstant, readInstant } from '../../../shared/ingest/normalize-instant.js'

// normalizeInstant remembers the instant it read last: over any sequence of calls, repeats and
// alternations included, it must answer what reading each value afresh answers.

const instant = fc.oneof(
  fc.constantFrom(
    '2020-02-06T00:17:58.432911368Z',
    '0001-01-01T00:00:00Z',
    '2026-11-28 07:00',
    '2026-11-28T07:00:00+02:00',
    'Feb 6 2020 10:00',
    'now',
    '',
    '1700000000',
  ),
  fc.constantFrom(0, -0, Number.NaN, 1_700_000_000, 1_700_000_000_000, 8.64e15, Infinity),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 30 }),
  fc.anything(),
)

describe('normalizeInstant', () => {
  it('answers as a fresh reading of every value, with its fallback when unreadable', () => {
    const fallback = fc.constantFrom('2026-11-28T07:00:00.000Z', '2026-11-28T07:00:00.001Z')
    fc.assert(
      fc.property(fc.array(fc.tuple(instant, fallback), { maxLength: 40 }), (calls) => {
        for (const [value, when] of [...calls, ...calls]) {
          const fresh =
            typeof value === 'string' || typeof value === 'number' ? readInstant(value) : undefined
          expect(normalizeInstant(value, when)).toBe(fresh ?? when)
        }
      }),
      { numRuns: 500 },
    )
  })
})
