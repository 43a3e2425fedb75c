import { describeIssues } from '../describe-issues.js'
import { ConfigError } from '../errors.js'
import { type Secrets, SecretsSchema } from './secret-store.js'

/** Validates secret JSON text; errors name keys and rules, never values. */
export const parseSecrets = (text: string, origin: string): Secrets => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new ConfigError(`${origin} is not valid JSON`)
  }
  const result = SecretsSchema.safeParse(json)
  if (!result.success) {
    throw new ConfigError(
      `${origin} does not have the secret's shape`,
      describeIssues(result.error, { schema: SecretsSchema }),
    )
  }
  return result.data
}
