import { createHash } from 'node:crypto'
import { type Alert, AlertSchema, normalizeSeverity } from '../alert.js'
import type { CompiledRoute } from '../config/compile-config.js'
import { describeIssues } from '../describe-issues.js'
import { PayloadError, TemplateError } from '../errors.js'
import type { AlertDraft } from '../sources/webhook-source.js'

const FIRING = [
  'firing',
  'fired',
  'problem',
  'alert',
  'alerting',
  'triggered',
  'open',
  'active',
  'down',
  'critical',
  'warning',
  'true',
]
const RESOLVED = [
  'resolved',
  'resolve',
  'ok',
  'recovery',
  'recovered',
  'closed',
  'up',
  'inactive',
  'cleared',
  'normal',
  'false',
]

const normalizeStatus = (value: unknown): unknown => {
  if (value === undefined) return 'firing'
  const word = String(value).trim().toLowerCase()
  if (FIRING.includes(word)) return 'firing'
  if (RESOLVED.includes(word)) return 'resolved'
  return value // left as is: the schema names the rule it breaks
}

const ZONELESS = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/

/**
 * The instant as ISO 8601, or `fallback` when there is none or it cannot be read: when an event
 * happened is not worth losing the alert over.
 */
const normalizeInstant = (value: unknown, fallback: string): string => {
  if (typeof value !== 'string' && typeof value !== 'number') return fallback
  // Unix time in seconds or milliseconds, as many senders send it.
  // A time without a zone is read as UTC, not as this server's local time.
  const written = String(value)
  const zoned = ZONELESS.test(written) ? `${written.replace(' ', 'T')}Z` : written
  const date =
    typeof value === 'number' ? new Date(value < 1e12 ? value * 1000 : value) : new Date(zoned)
  if (Number.isNaN(date.getTime())) return fallback
  const iso = date.toISOString()
  // Years before 0 or after 9999 print as ±YYYYYY, which no ISO 8601 reader expects.
  return /^\d{4}-/.test(iso) ? iso : fallback
}

const text = (value: unknown): string | undefined =>
  value === undefined || value === null
    ? undefined
    : typeof value === 'string'
      ? value
      : JSON.stringify(value)

const stringRecord = (value: unknown): Record<string, string> | undefined => {
  if (value === undefined || value === null || typeof value !== 'object') return undefined
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, text(item) ?? '']))
}

const MAX_KEY = 200

/** Long keys are hashed so that queue group ids and Halo fields stay within their limits. */
const boundedKey = (key: string | undefined) => {
  if (key === undefined || key.length <= MAX_KEY) return key
  return `sha256:${createHash('sha256').update(key).digest('hex')}`
}

/**
 * Completes a source's alert draft: applies the route's `alert` templates over it, fills defaults
 * (status firing, occurredAt = receivedAt, title = key), normalizes severity words and instants,
 * and validates the result. Only what identifies the alert can fail: throws `PayloadError` (422)
 * naming the alert fields that are wrong (a missing key, an unknown status word).
 */
export const finishAlert = async (
  draft: AlertDraft,
  route: CompiledRoute,
  receivedAt: string,
): Promise<Alert> => {
  let fields: Record<string, unknown> = { ...draft.alert }
  if (route.alert) {
    let rendered: Record<string, unknown>
    try {
      rendered = (await route.alert.render({
        payload: draft.raw,
        alert: draft.alert,
        route: route.name,
        receivedAt,
      })) as Record<string, unknown>
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error
      throw new PayloadError('payload_invalid', 'the route could not map this payload', [
        error.message,
      ])
    }
    const { tenantId, tenantName, ...rest } = rendered
    fields = { ...fields, ...rest }
    if (tenantId !== undefined || tenantName !== undefined) {
      fields.tenant = {
        ...(fields.tenant as object | undefined),
        ...(tenantId === undefined ? {} : { id: text(tenantId) }),
        ...(tenantName === undefined ? {} : { name: text(tenantName) }),
      }
    }
  }
  const candidate = {
    ...fields,
    key: boundedKey(text(fields.key)),
    // Over-long text is cut rather than refused: a long message must not lose the alert.
    // An empty title (a template reading a field that is null or absent) falls back to the key.
    title: (text(fields.title) || text(fields.key))?.slice(0, 500),
    description: text(fields.description)?.slice(0, 100_000),
    status: normalizeStatus(fields.status),
    severity: normalizeSeverity(fields.severity),
    occurredAt: normalizeInstant(fields.occurredAt, receivedAt),
    url: text(fields.url)?.slice(0, 2048),
    resource: text(fields.resource)?.slice(0, 255),
    labels: stringRecord(fields.labels),
  }
  const result = AlertSchema.safeParse(candidate)
  if (!result.success) {
    throw new PayloadError(
      'payload_invalid',
      'the payload did not yield a valid alert',
      describeIssues(result.error, { prefix: ['alert'], root: 'alert' }),
    )
  }
  return result.data
}
