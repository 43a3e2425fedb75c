import { describeIssues } from '../describe-issues.js'
import { ConfigError } from '../errors.js'
import * as z from '../zod-mini.js'

/**
 * Validates settings (an environment, a secret, the deploy section) with `schema`. Throws one
 * `ConfigError` naming every key and the rule it broke, never a value.
 */
export const parseSettings = <Schema extends z.core.$ZodType>(
  schema: Schema,
  value: unknown,
  what: string,
  prefix: readonly PropertyKey[] = [],
): z.output<Schema> => {
  const result = z.safeParse(schema, value)
  if (!result.success) {
    throw new ConfigError(`invalid ${what}`, describeIssues(result.error, { schema, prefix }))
  }
  return result.data
}
