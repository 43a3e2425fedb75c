import { PayloadError } from '../errors.js'

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Decodes the body as UTF-8 text; invalid UTF-8 is a 400, not a garbled payload. */
export const bodyText = (body: Uint8Array): string => {
  try {
    return decoder.decode(body)
  } catch {
    throw new PayloadError('body_invalid', 'body is not valid UTF-8')
  }
}

/** Deeper than any sender's payload; deep enough nesting overflows the stack of every consumer. */
export const MAX_JSON_DEPTH = 64

/** How deeply a JSON text nests arrays and objects (brackets inside strings do not count). */
export const jsonDepth = (text: string): number => {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (inString) {
      if (code === 0x5c)
        index++ // backslash: skip the escaped character
      else if (code === 0x22) inString = false
    } else if (code === 0x22) inString = true
    else if (code === 0x7b || code === 0x5b) deepest = Math.max(deepest, ++depth)
    else if (code === 0x7d || code === 0x5d) depth--
  }
  return deepest
}

/** Whether a parsed JSON value nests arrays and objects deeper than `levels`. */
const nestsDeeper = (value: unknown, levels: number): boolean => {
  if (typeof value !== 'object' || value === null) return false
  if (levels === 0) return true
  if (Array.isArray(value)) return value.some((item) => nestsDeeper(item, levels - 1))
  for (const key in value) {
    if (nestsDeeper((value as Record<string, unknown>)[key], levels - 1)) return true
  }
  return false
}

/**
 * Up to this length a text is parsed first and its depth read from the parsed value, which is
 * several times cheaper than scanning every character; a longer one is scanned first, so a body
 * of nothing but brackets is refused before V8 builds its thousands of nested arrays (~13 ms for
 * 256 KiB of them, against ~1 ms for as much ordinary JSON).
 */
const PARSE_FIRST_BELOW = 16 * 1024

const tooDeep = (what: string) =>
  new PayloadError('body_invalid', `${what} nests deeper than ${MAX_JSON_DEPTH} levels`)

/** Parses JSON text, refusing nesting deeper than MAX_JSON_DEPTH; anything else is a 400. */
export const parseJsonText = (text: string, what = 'body'): unknown => {
  const parseFirst = text.length < PARSE_FIRST_BELOW
  if (!parseFirst && jsonDepth(text) > MAX_JSON_DEPTH) throw tooDeep(what)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    if (parseFirst && jsonDepth(text) > MAX_JSON_DEPTH) throw tooDeep(what)
    // V8's message quotes the input; keep only where it went wrong, never the sender's bytes.
    const position = error instanceof Error ? /position (\d+)/.exec(error.message)?.[1] : undefined
    const where = position === undefined ? '' : ` (at character ${position})`
    throw new PayloadError('body_invalid', `${what} is not valid JSON${where}`)
  }
  if (parseFirst && nestsDeeper(value, MAX_JSON_DEPTH)) throw tooDeep(what)
  return value
}

/** Parses the body as JSON; anything else is a 400 naming the rule. */
export const parseJsonBody = (body: Uint8Array): unknown => parseJsonText(bodyText(body))
