import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Constant-time string comparison. Both sides are hashed first so that neither the content nor
 * the length of the expected value leaks through timing.
 */
export const safeEqual = (given: string, expected: string): boolean =>
  timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  )

/** HMAC of the exact bytes received (or of a string the scheme builds around them). */
export const hmac = (
  algorithm: 'sha1' | 'sha256' | 'sha512',
  key: string | Uint8Array,
  content: string | Uint8Array,
  encoding: 'hex' | 'base64',
): string => createHmac(algorithm, key).update(content).digest(encoding)
