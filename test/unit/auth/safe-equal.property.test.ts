import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { safeEqual, safeEqualSecret } from '../../../shared/auth/safe-equal.js'

describe('safeEqualSecret', () => {
  it('answers as safeEqual, with secrets repeated, rotated and past its memory of them', () => {
    const secrets = fc.oneof(fc.constantFrom('s3cret', 'other', ''), fc.string({ maxLength: 8 }))
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(secrets, fc.string()), secrets), { maxLength: 200 }),
        (pairs) => {
          for (const [given, secret] of pairs) {
            expect(safeEqualSecret(given, secret)).toBe(safeEqual(given, secret))
            expect(safeEqualSecret(secret, secret)).toBe(true)
          }
        },
      ),
      { numRuns: 200 },
    )
  })
})
