/** What we could read out of a Halo error body. Every field is absent for an empty body. */
export type HaloErrorBody = {
  message?: string
  fieldErrors?: Record<string, string[]>
  /** The auth server's OAuth error code (`invalid_client`, `invalid_scope`, ...). */
  code?: string
}

const MAX_MESSAGE = 500

const clip = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > MAX_MESSAGE ? `${flat.slice(0, MAX_MESSAGE)}…` : flat
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const stringOf = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? clip(value) : undefined

/** `{"[0].client_id": ["..."]}`: every value is a list of strings. */
const asFieldErrors = (value: unknown): Record<string, string[]> | undefined => {
  if (!isRecord(value)) return undefined
  const entries = Object.entries(value)
  if (entries.length === 0) return undefined
  const result: Record<string, string[]> = {}
  for (const [field, messages] of entries) {
    if (!Array.isArray(messages) || !messages.every((m) => typeof m === 'string')) return undefined
    result[field] = messages.map(clip)
  }
  return result
}

const describeFieldErrors = (fields: Record<string, string[]>): string =>
  clip(
    Object.entries(fields)
      .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
      .join('; '),
  )

/**
 * Reads Halo's message out of an error body. Halo answers errors in several shapes depending on
 * which layer rejected the request, and all of them occur in the wild:
 * - a serialised .NET exception (`{ ClassName, Message, ... }`),
 * - ASP.NET model-binding errors keyed by field path, flat or under `errors`,
 * - OAuth errors from the auth server (`{ error, error_description }`),
 * - `{ resultCode, errorMessage }`, `{ message }`, a JSON string, or plain text.
 *
 * Never throws; an unreadable body becomes a clipped plain-text message.
 */
export const parseHaloErrorBody = (text: string): HaloErrorBody => {
  if (text.trim() === '') return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return { message: clip(text) }
  }
  if (typeof parsed === 'string') return parsed.trim() ? { message: clip(parsed) } : {}
  if (!isRecord(parsed)) return { message: clip(text) }

  const direct =
    stringOf(parsed.Message) ??
    stringOf(parsed.message) ??
    stringOf(parsed.errorMessage) ??
    stringOf(parsed.error_description)

  const nested = asFieldErrors(parsed.errors)
  if (nested) {
    return { message: stringOf(parsed.title) ?? describeFieldErrors(nested), fieldErrors: nested }
  }
  const oauth = stringOf(parsed.error)
  if (direct) {
    // `error_description` alone reads badly without the OAuth code it explains.
    return oauth && direct === stringOf(parsed.error_description)
      ? { message: `${oauth}: ${direct}`, code: oauth }
      : { message: direct }
  }
  if (oauth) return { message: oauth, code: oauth }

  const flat = asFieldErrors(parsed)
  if (flat) return { message: describeFieldErrors(flat), fieldErrors: flat }
  return { message: clip(text) }
}
