import { createHash } from 'node:crypto'
import { type Alert, normalizeSeverity } from '../alert.js'
import { checkedAlert, isTextRecord } from '../checked-alert.js'
import type { CompiledRoute } from '../config/compile-config.js'
import { describeIssues } from '../describe-issues.js'
import { PayloadError, TemplateError } from '../errors.js'
import type { AlertDraft } from '../sources/webhook-source.js'
import { withGroup } from './group-key.js'
import { normalizeInstant } from './normalize-instant.js'
import { spreadUnder } from './spread-under.js'

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

const text = (value: unknown): string | undefined =>
  value === undefined || value === null
    ? undefined
    : typeof value === 'string'
      ? value
      : JSON.stringify(value)

const stringRecord = (value: unknown): Record<string, string> | undefined => {
  if (value === undefined || value === null || typeof value !== 'object') return undefined
  // Text throughout already (the sender's labels as its schema read them): kept, not copied.
  if (isTextRecord(value)) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, text(item) ?? '']))
}

const MAX_KEY = 200

/** Long keys are hashed so that queue group ids and Halo fields stay within their limits. */
const boundedKey = (key: string | undefined) => {
  if (key === undefined || key.length <= MAX_KEY) return key
  return `sha256:${createHash('sha256').update(key).digest('hex')}`
}

const asPayloadError = (error: unknown): never => {
  if (!(error instanceof TemplateError)) throw error
  throw new PayloadError('payload_invalid', 'the route could not map this payload', [error.message])
}

/** The draft's fields with the route's rendered `alert` templates over them. */
const withRendered = (
  draft: AlertDraft['alert'],
  rendered: Record<string, unknown>,
): Record<string, unknown> => {
  // Every rendered field over the draft's but the tenant's two, which go into `tenant` below.
  const fields: Record<string, unknown> = {}
  for (const name of Object.keys(rendered)) {
    if (name !== 'tenantId' && name !== 'tenantName') fields[name] = rendered[name]
  }
  spreadUnder(fields, draft)
  const { tenantId, tenantName } = rendered
  if (tenantId !== undefined || tenantName !== undefined) {
    fields.tenant = {
      ...(fields.tenant as object | undefined),
      ...(tenantId === undefined ? {} : { id: text(tenantId) }),
      ...(tenantName === undefined ? {} : { name: text(tenantName) }),
    }
  }
  return fields
}

/**
 * The alert schema's answer for a candidate `checkedAlert` leaves to it (a value of an unusual
 * type, one out of range): only then is the schema (and zod) loaded, so a cold start whose alerts
 * are well formed never pays for it.
 */
const schemaAlert = async (candidate: unknown): Promise<Alert> => {
  const { AlertSchema } = await import('../alert-schema.js')
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

/**
 * Fills defaults, normalizes and validates the alert's fields (throws or rejects with
 * `PayloadError`, 422): the alert itself when it is well formed, a promise of the schema's answer
 * otherwise.
 */
const completeAlert = (
  fields: Record<string, unknown>,
  receivedAt: string,
): Alert | Promise<Alert> => {
  const candidate = spreadUnder(
    {
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
    },
    fields,
  )
  return checkedAlert(candidate) ?? schemaAlert(candidate)
}

/** The completed alert with its incident group (routes with a `group` policy). */
const groupedAlert = (
  alert: Alert | Promise<Alert>,
  draft: AlertDraft,
  route: CompiledRoute,
  receivedAt: string,
): Alert | Promise<Alert> => {
  if (alert instanceof Promise)
    return alert.then((done) => groupedAlert(done, draft, route, receivedAt))
  const result = withGroup(alert, route, draft.raw, receivedAt)
  return result instanceof Promise ? result.catch(asPayloadError) : result
}

/**
 * Completes a source's alert draft: applies the route's `alert` templates over it, fills defaults
 * (status firing, occurredAt = receivedAt, title = key), normalizes severity words and instants,
 * validates the result, and renders its incident group when the route groups. Only what
 * identifies the alert can fail: throws `PayloadError` (422) naming the alert fields that are
 * wrong (a missing key, an unknown status word).
 *
 * Answers the alert itself when no JSONata expression had to run (no templates, or plain paths
 * only), so ingest stays synchronous up to the enqueue; a promise of it otherwise.
 */
export const finishAlert = (
  draft: AlertDraft,
  route: CompiledRoute,
  receivedAt: string,
): Alert | Promise<Alert> => {
  if (!route.alert)
    return groupedAlert(completeAlert(draft.alert, receivedAt), draft, route, receivedAt)
  const rendered = route.alert.renderNow({
    payload: draft.raw,
    alert: draft.alert,
    route: route.name,
    receivedAt,
  })
  if (rendered instanceof Promise) {
    return rendered.then(
      (value) =>
        groupedAlert(
          completeAlert(withRendered(draft.alert, value as Record<string, unknown>), receivedAt),
          draft,
          route,
          receivedAt,
        ),
      asPayloadError,
    )
  }
  const alert = completeAlert(
    withRendered(draft.alert, rendered as Record<string, unknown>),
    receivedAt,
  )
  return groupedAlert(alert, draft, route, receivedAt)
}
