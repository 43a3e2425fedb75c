import { parseSettings } from '../config/parse-settings.js'
import { readSecrets, secretJson } from './read-secrets.js'
import type { Secrets } from './secret-store.js'
import { SecretsSchema } from './secrets-schema.js'

/** Validates a parsed secret; errors name keys and rules, never values. */
export const parseSecretJson = (json: unknown, origin: string): Secrets =>
  readSecrets(json) ?? parseSettings(SecretsSchema, json, `secret in ${origin}`)

/** Validates secret JSON text; errors name keys and rules, never values. */
export const parseSecrets = (text: string, origin: string): Secrets =>
  parseSecretJson(secretJson(text, origin), origin)
