import { parseSettings } from '../config/parse-settings.js'
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
  return parseSettings(SecretsSchema, json, `secret in ${origin}`)
}
