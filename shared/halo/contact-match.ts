import type { HaloUser } from './schemas.js'

/** How a contact is looked up: by e-mail address or by full name, with the rendered value. */
export type ContactLookup = { by: 'email' | 'name'; value: string }

/** Lower case, trimmed, inner runs of spaces as one: how two spellings of a name compare. */
const normalise = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase()

/**
 * Whether a Halo user is exactly the contact looked up: the same e-mail address or the same full
 * name, ignoring case (and, for names, extra spaces). Halo's `search` matches parts of words, so
 * every answer is checked with this before it counts.
 */
export const matchesContact = (
  user: Pick<HaloUser, 'name' | 'emailaddress'>,
  { by, value }: ContactLookup,
): boolean => {
  const field = by === 'email' ? user.emailaddress : user.name
  return typeof field === 'string' && field.trim() !== '' && normalise(field) === normalise(value)
}
