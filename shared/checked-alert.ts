import { type Alert, SEVERITIES } from './alert.js'

// `AlertSchema`'s answer for the alerts ingest makes every time (plain objects of the right types),
// computed by direct checks instead of zod's general object walk, which copied every alert and its
// labels on the hot path. Only a candidate it is sure of gets an answer; anything else (a wrong
// type, a value out of range, an object that is not plain) is left to the schema, which then
// names what is wrong. test/unit/checked-alert.property.test.ts holds the answers to the schema's.

const STATUSES: readonly unknown[] = ['firing', 'resolved']
const SEVERITY_WORDS: readonly unknown[] = SEVERITIES

/** The instant last accepted: the alerts of a delivery mostly share one (when it was received). */
let lastInstant: unknown

/**
 * `z.iso.datetime({ offset: true })`'s pattern (zod's `regexes.datetime`): a real calendar date,
 * seconds, any fraction, and `Z` or an offset. Checked here so that the first alert of a cold start
 * does not build the whole alert schema for one field (test/unit/checked-alert.property.test.ts
 * holds it to zod's).
 */
const ISO_INSTANT =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/

/** Whether `value` is an instant `z.iso.datetime({ offset: true })` accepts. */
export const isIsoInstant = (value: unknown): value is string =>
  typeof value === 'string' && ISO_INSTANT.test(value)

const isInstant = (value: unknown): boolean => {
  if (value === lastInstant) return true
  if (!isIsoInstant(value)) return false
  lastInstant = value
  return true
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype

const isText = (value: unknown, min: number, max: number): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max

/** An optional text field: absent, undefined, or text within `max`. */
const isOptionalText = (value: unknown, max: number) => value === undefined || isText(value, 0, max)

/** Labels the schema would answer unchanged: a plain object of text values. */
export const isTextRecord = (value: unknown): value is Record<string, string> => {
  if (!isPlainObject(value)) return false
  for (const key of Object.keys(value)) {
    // An own `__proto__` key is the schema's to read (it copies keys by assignment).
    if (key === '__proto__' || typeof value[key] !== 'string') return false
  }
  return true
}

/** A tenant the schema would answer unchanged: `id` and `name` only, each text or undefined. */
const isPlainTenant = (value: unknown): value is Alert['tenant'] => {
  if (!isPlainObject(value)) return false
  for (const key of Object.keys(value)) {
    if ((key !== 'id' && key !== 'name') || !isOptionalText(value[key], Infinity)) return false
  }
  return true
}

/**
 * What `AlertSchema.parse(candidate)` answers, or `undefined` when the candidate is not one this
 * check is sure of (invalid, or unusual): then ask the schema. Labels and tenant are the
 * candidate's own objects rather than copies; they are answered only when equal to the schema's.
 */
export const checkedAlert = (candidate: Record<string, unknown>): Alert | undefined => {
  if (!isPlainObject(candidate)) return undefined
  const { key, status, severity, title, description, occurredAt, url, resource, tenant, labels } =
    candidate
  if (
    !isText(key, 1, 512) ||
    !STATUSES.includes(status) ||
    !SEVERITY_WORDS.includes(severity) ||
    !isText(title, 1, 500) ||
    !isOptionalText(description, 100_000) ||
    !isOptionalText(url, 2048) ||
    !isOptionalText(resource, 255) ||
    (tenant !== undefined && !isPlainTenant(tenant)) ||
    (labels !== undefined && !isTextRecord(labels)) ||
    !isInstant(occurredAt)
  ) {
    return undefined
  }
  // The schema's output: its keys in its order; an optional key present (even as undefined)
  // only when the candidate has it; the defaults for description and labels.
  const alert: Record<string, unknown> = {
    key,
    status,
    severity,
    title,
    description: description ?? '',
    occurredAt,
  }
  if ('url' in candidate) alert.url = url
  if ('resource' in candidate) alert.resource = resource
  if ('tenant' in candidate) alert.tenant = tenant
  alert.labels = labels ?? {}
  return alert as Alert
}
