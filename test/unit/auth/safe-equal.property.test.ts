import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { safeEqual, safeEqualSecret, safeEqualSignature } from '../../../shared/auth/safe-equal.js'

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

describe('safeEqualSignature', () => {
  it('answers as safeEqual, lone surrogates and same-length near misses included', () => {
    const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), maxLength: 64 })
    const anyText = fc.string({ unit: 'binary', maxLength: 70 })
    // A lone surrogate and U+FFFD encode alike in UTF-8, as safeEqual's digests see them.
    const surrogates = fc.constantFrom('\ud800', '\udfff', '\ufffd', 'a\ud83d', 'a\ufffd')
    const text = fc.oneof(hex, anyText, surrogates)
    const nearMiss = hex.map((value) => value.replace(/.$/, (last) => (last === 'a' ? 'b' : 'a')))
    fc.assert(
      fc.property(fc.oneof(text, nearMiss), text, (given, expected) => {
        expect(safeEqualSignature(given, expected)).toBe(safeEqual(given, expected))
        expect(safeEqualSignature(expected, expected)).toBe(true)
      }),
      { numRuns: 2000 },
    )
    expect(safeEqualSignature('\ud800', '\ufffd')).toBe(safeEqual('\ud800', '\ufffd'))
  })
})
