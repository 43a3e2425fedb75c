const ZONELESS = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/

/**
 * A sender's instant as ISO 8601 (Unix seconds or milliseconds, or any text `Date` reads; a time
 * without a zone is UTC, not this server's local time), or `undefined` when it cannot be read.
 */
export const readInstant = (value: string | number): string | undefined => {
  const written = String(value)
  const zoned = ZONELESS.test(written) ? `${written.replace(' ', 'T')}Z` : written
  const date =
    typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(zoned)
  if (Number.isNaN(date.getTime())) return undefined
  const iso = date.toISOString()
  // Years before 0 or after 9999 print as ±YYYYYY, which no ISO 8601 reader expects.
  return /^\d{4}-/.test(iso) ? iso : undefined
}

// The instant last read and its reading: the alerts of one delivery, and a sender's resends of
// them, mostly carry the same one, and reading it (a Date parse) was a fair part of an alert's cost.
let lastWritten: unknown
let lastRead: string | undefined

/**
 * The instant as ISO 8601, or `fallback` when there is none or it cannot be read: when an event
 * happened is not worth losing the alert over.
 */
export const normalizeInstant = (value: unknown, fallback: string): string => {
  if (typeof value !== 'string' && typeof value !== 'number') return fallback
  if (value !== lastWritten) {
    lastRead = readInstant(value)
    lastWritten = value
  }
  return lastRead ?? fallback
}
