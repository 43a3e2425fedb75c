import { describeIssues } from '../describe-issues.js'
import { PayloadError } from '../errors.js'
import * as z from '../zod-mini.js'

/** Validates a parsed body with the sender's schema; failures carry field paths only. */
export const validatePayload = <T>(schema: z.core.$ZodType<T>, value: unknown, what: string): T => {
  const result = z.safeParse(schema, value)
  if (!result.success) {
    const issues = describeIssues(result.error, { root: '(body)' })
    throw new PayloadError('payload_invalid', `${what} failed validation`, issues)
  }
  return result.data
}
