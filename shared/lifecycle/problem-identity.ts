import { createHash } from 'node:crypto'

/** Longest identity we write: Halo documents no limit for `third_party_id_string`, so stay short. */
export const MAX_IDENTITY_LENGTH = 100

// Characters no store or HTML encoder changes: anything else is hashed.
const READABLE = /^[A-Za-z0-9._:/@+=-]+$/

/**
 * The identity of one problem (route + correlation key) as written to a Halo ticket's
 * `third_party_id_string` and searched for when an interrupted create is recovered. Route-scoped,
 * so two routes that emit the same key never adopt each other's ticket; stable, so the same
 * problem always yields the same identity; at most {@link MAX_IDENTITY_LENGTH} characters.
 *
 * Readable as `hh:<route>:<key>` when that fits and the key holds only letters, digits and
 * `._:/@+=-`; otherwise
 * `hh#<route>:<sha-256 of the key>`. Route names hold neither `:` nor `#`, so the two forms
 * cannot collide.
 */
export const problemIdentity = (route: string, key: string): string => {
  const readable = `hh:${route}:${key}`
  if (readable.length <= MAX_IDENTITY_LENGTH && READABLE.test(key)) return readable
  const digest = createHash('sha256').update(key, 'utf8').digest('base64url').slice(0, 32)
  return `hh#${route}:${digest}`
}
