import type * as z from 'zod'
import { PayloadError } from '../errors.js'

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Field paths and rules of a zod failure, never the values (they may hold secrets or PII). */
export const describeIssues = (error: z.ZodError): string[] =>
  error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(body)'
    return `${path}: ${issue.message}`
  })

/** Decodes the body as UTF-8 text; invalid UTF-8 is a 400, not a garbled payload. */
export const bodyText = (body: Uint8Array): string => {
  try {
    return decoder.decode(body)
  } catch {
    throw new PayloadError('body_invalid', 'body is not valid UTF-8')
  }
}

/** Parses the body as JSON; anything else is a 400 naming the rule. */
export const parseJsonBody = (body: Uint8Array): unknown => {
  const text = bodyText(body)
  try {
    return JSON.parse(text)
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'unparseable'
    throw new PayloadError('body_invalid', `body is not valid JSON (${reason})`)
  }
}

/** Validates a parsed body with the sender's schema; failures carry field paths only. */
export const validatePayload = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
  const result = schema.safeParse(value)
  if (!result.success) {
    const issues = describeIssues(result.error)
    throw new PayloadError('payload_invalid', `${what} failed validation`, issues)
  }
  return result.data
}
