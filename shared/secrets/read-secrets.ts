import { ConfigError } from '../errors.js'
import { isPlainJsonObject } from '../plain-json-object.js'
import type { RotatingSecret, Secrets } from './secret-store.js'

// A secret as `SecretsSchema` reads it, read directly when it is well formed (as `npm run
// secrets` writes it): building the schema was most of what a cold start spent on reading its
// secret (issue 15), and a function then never loads zod for it. Anything else is left to the
// schema (`parseSecretJson`), which answers it or names what is wrong;
// test/unit/secrets/parse-secrets.property.test.ts holds the two together.

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0

/** Whether `value` has no keys but `allowed`. */
const only = (value: Record<string, unknown>, allowed: readonly string[]) =>
  Object.keys(value).every((key) => allowed.includes(key))

const isRotatingSecret = (value: unknown): value is RotatingSecret =>
  isPlainJsonObject(value) &&
  only(value, ['current', 'previous']) &&
  isText(value.current) &&
  (value.previous === undefined || isText(value.previous))

const isRecordOf = <T>(value: unknown, item: (entry: unknown) => entry is T) =>
  isPlainJsonObject(value) && Object.values(value).every(item)

const isTextRecord = (value: unknown): value is Record<string, string> =>
  isRecordOf(value, (entry): entry is string => typeof entry === 'string')

/** `json` as the schema answers it when it is well formed; `undefined` for anything else. */
export const readSecrets = (json: unknown): Secrets | undefined => {
  if (!isPlainJsonObject(json) || !only(json, ['halo', 'resolveAtSource', 'routes']))
    return undefined
  const { halo, resolveAtSource, routes } = json
  if (
    halo !== undefined &&
    !(
      isPlainJsonObject(halo) &&
      only(halo, ['clientId', 'clientSecret']) &&
      isText(halo.clientId) &&
      isText(halo.clientSecret)
    )
  ) {
    return undefined
  }
  if (resolveAtSource !== undefined && !isRecordOf(resolveAtSource, isTextRecord)) return undefined
  if (routes !== undefined && !isRecordOf(routes, isRotatingSecret)) return undefined
  return {
    ...(halo === undefined ? {} : { halo: halo as NonNullable<Secrets['halo']> }),
    ...(resolveAtSource === undefined
      ? {}
      : { resolveAtSource: resolveAtSource as NonNullable<Secrets['resolveAtSource']> }),
    routes: (routes ?? {}) as Secrets['routes'],
  }
}

/** A secret's text as JSON; anything else is a `ConfigError` that never quotes it. */
export const secretJson = (text: string, origin: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    throw new ConfigError(`${origin} is not valid JSON`)
  }
}
