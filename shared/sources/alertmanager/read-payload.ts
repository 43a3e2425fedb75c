import { isTextRecord } from '../../checked-alert.js'
import { isPlainJsonObject } from '../../plain-json-object.js'
import { validateOnFirstUse } from '../validate-on-first-use.js'
import type { AlertmanagerAlert, AlertmanagerPayload } from './schema.js'

// An Alertmanager notification as `AlertmanagerPayloadSchema` reads it, read directly when it is
// well formed (as Alertmanager sends it): zod's walk through a dozen lenient transforms per alert
// was the largest part of reading one. Anything unusual (a field of another type, an object that
// is not plain, an own `__proto__` key) is left to the schema, which answers it or names what is
// wrong. test/unit/sources/alertmanager-read.property.test.ts holds the answers to the schema's.

/** `lenientText()`: text as it is, numbers and booleans as their text, anything else absent. */
const lenientText = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined

/** `lenient(z.string())`. */
const lenientString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined

/**
 * The fields the schemas name, in their order (the schema puts them first): the schema module (and
 * zod) loads only for a notification this reader leaves to it. The property test checks these
 * against the schemas' shapes.
 */
export const ALERT_FIELDS = [
  'status',
  'labels',
  'annotations',
  'startsAt',
  'endsAt',
  'generatorURL',
  'fingerprint',
] as const
export const PAYLOAD_FIELDS = [
  'version',
  'groupKey',
  'receiver',
  'status',
  'externalURL',
  'truncatedAlerts',
  'alerts',
] as const
const ALERT_KEYS: ReadonlySet<string> = new Set(ALERT_FIELDS)
const PAYLOAD_KEYS: ReadonlySet<string> = new Set(PAYLOAD_FIELDS)
const ALERT_ORDER: readonly string[] = ALERT_FIELDS

/** The input's keys the shape does not name, copied after the shape's own (a loose object). */
const copyUnknown = (
  from: Record<string, unknown>,
  known: ReadonlySet<string>,
  to: Record<string, unknown>,
) => {
  for (const key of Object.keys(from)) if (!known.has(key)) to[key] = from[key]
}

const TEXT_FIELDS = ['startsAt', 'endsAt', 'generatorURL']

/**
 * Whether the schema would answer this (well-formed) alert as it is: annotations given, every
 * lenient field already text, and the fields the schema names in its order, before any other (it
 * puts them first). As Alertmanager sends it, in short: then the alert is kept, not copied.
 */
const isAsRead = (value: Record<string, unknown>): boolean => {
  if (value.annotations === undefined) return false
  for (const name of TEXT_FIELDS) {
    if (name in value && typeof value[name] !== 'string') return false
  }
  let next = 0
  let otherSeen = false
  for (const key of Object.keys(value)) {
    if (!ALERT_KEYS.has(key)) {
      otherSeen = true
      continue
    }
    const at = ALERT_ORDER.indexOf(key, next)
    if (otherSeen || at < 0) return false
    next = at + 1
  }
  return true
}

const directAlert = (value: unknown): AlertmanagerAlert | undefined => {
  if (!isPlainJsonObject(value)) return undefined
  const { status, labels, annotations, fingerprint } = value
  if (status !== 'firing' && status !== 'resolved') return undefined
  if (!isTextRecord(labels)) return undefined
  if (annotations !== undefined && !isTextRecord(annotations)) return undefined
  if (fingerprint !== undefined && (typeof fingerprint !== 'string' || fingerprint === '')) {
    return undefined
  }
  if (isAsRead(value)) return value as AlertmanagerAlert
  const alert: Record<string, unknown> = {
    status,
    labels,
    annotations: annotations ?? {},
  }
  if ('startsAt' in value) alert.startsAt = lenientString(value.startsAt)
  if ('endsAt' in value) alert.endsAt = lenientString(value.endsAt)
  if ('generatorURL' in value) alert.generatorURL = lenientText(value.generatorURL)
  if ('fingerprint' in value) alert.fingerprint = fingerprint
  copyUnknown(value, ALERT_KEYS, alert)
  return alert as AlertmanagerAlert
}

/** The schema's answer for a well-formed notification; `undefined` to leave it to the schema. */
export const directAlertmanagerPayload = (value: unknown): AlertmanagerPayload | undefined => {
  if (!isPlainJsonObject(value) || !Array.isArray(value.alerts)) return undefined
  const alerts: AlertmanagerAlert[] = []
  for (const item of value.alerts as unknown[]) {
    const alert = directAlert(item)
    if (!alert) return undefined
    alerts.push(alert)
  }
  const payload: Record<string, unknown> = {}
  if ('version' in value) payload.version = lenientText(value.version)
  if ('groupKey' in value) payload.groupKey = lenientText(value.groupKey)
  if ('receiver' in value) payload.receiver = lenientText(value.receiver)
  if ('status' in value) {
    const { status } = value
    payload.status = status === 'firing' || status === 'resolved' ? status : undefined
  }
  if ('externalURL' in value) payload.externalURL = lenientText(value.externalURL)
  // Rare: a count is kept as it is, anything else is left to the schema.
  if ('truncatedAlerts' in value) {
    const { truncatedAlerts } = value
    if (!(Number.isSafeInteger(truncatedAlerts) && (truncatedAlerts as number) >= 0))
      return undefined
    payload.truncatedAlerts = truncatedAlerts
  }
  payload.alerts = alerts
  copyUnknown(value, PAYLOAD_KEYS, payload)
  return payload as AlertmanagerPayload
}

/** The schema's answer (or a `PayloadError`, 422, naming what is wrong): loaded for this only. */
const schemaPayload = validateOnFirstUse(
  async () => (await import('./schema.js')).AlertmanagerPayloadSchema,
  'Alertmanager notification',
)

/**
 * Reads a parsed notification: the notification itself when it is well formed, else a promise of
 * the schema's answer (rejecting with a `PayloadError`, 422, naming what is wrong).
 */
export const readAlertmanagerPayload = (
  value: unknown,
): AlertmanagerPayload | Promise<AlertmanagerPayload> =>
  directAlertmanagerPayload(value) ?? schemaPayload(value)
