import { createHmac, hash, timingSafeEqual } from 'node:crypto'

const digestOf = (text: string) => hash('sha256', text, 'buffer')

/**
 * Constant-time string comparison. Both sides are hashed first so that neither the content nor
 * the length of the expected value leaks through timing.
 */
export const safeEqual = (given: string, expected: string): boolean =>
  timingSafeEqual(digestOf(given), digestOf(expected))

/**
 * Constant-time comparison with a value whose length is no secret: a signature this side computed,
 * its length fixed by the algorithm and encoding. The same answer as `safeEqual` (equal UTF-8
 * bytes) without the two digests, which are there to hide a secret's length.
 */
export const safeEqualSignature = (given: string, expected: string): boolean => {
  const givenBytes = Buffer.from(given)
  const expectedBytes = Buffer.from(expected)
  return givenBytes.length === expectedBytes.length && timingSafeEqual(givenBytes, expectedBytes)
}

/** Digests of the secrets lately compared against: a route has one or two, the same each request. */
const secretDigests = new Map<string, Buffer>()
const SECRET_DIGESTS_HELD = 64

/**
 * `safeEqual` against a configured secret (a bearer token, a header or query token, Basic
 * credentials): the same comparison, with the secret's digest taken once rather than per request.
 */
export const safeEqualSecret = (given: string, secret: string): boolean => {
  let digest = secretDigests.get(secret)
  if (!digest) {
    if (secretDigests.size >= SECRET_DIGESTS_HELD) secretDigests.clear() // secrets were rotated
    digest = digestOf(secret)
    secretDigests.set(secret, digest)
  }
  return timingSafeEqual(digestOf(given), digest)
}

/** HMAC of the exact bytes received (or of a string the scheme builds around them). */
export const hmac = (
  algorithm: 'sha1' | 'sha256' | 'sha512',
  key: string | Uint8Array,
  content: string | Uint8Array,
  encoding: 'hex' | 'base64',
): string => createHmac(algorithm, key).update(content).digest(encoding)
