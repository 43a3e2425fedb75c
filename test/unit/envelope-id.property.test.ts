import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { contentHash, envelopeId } from '../../shared/envelope.js'

// envelopeId and contentHash use the one-shot `hash`: their answers must stay those of the Hash
// objects they replaced, or every queued id (and so SQS deduplication across a deploy) changes.

const text = fc.string({ unit: 'binary', maxLength: 300 })

describe('envelopeId', () => {
  it('answers as the sha-256 Hash object did, cut to 43 characters', () => {
    fc.assert(
      fc.property(text, text, text, (delivery, key, status) => {
        const before = createHash('sha256')
          .update(`${delivery}\u0000${key}\u0000${status}`)
          .digest('base64url')
          .slice(0, 43)
        expect(envelopeId(delivery, { key, status })).toBe(before)
      }),
      { numRuns: 500 },
    )
  })
})

describe('contentHash', () => {
  it('answers as the sha-256 Hash object did over the exact bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (body) => {
        const before = `sha256:${createHash('sha256').update(body).digest('hex')}`
        expect(contentHash(body)).toBe(before)
        expect(contentHash(Buffer.from(body))).toBe(before)
      }),
      { numRuns: 300 },
    )
  })
})
