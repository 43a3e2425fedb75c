import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type AlertInput, normalizeSeverity } from '../../../shared/alert.js'
import { alertKey } from '../../../shared/sources/alertmanager/alert-key.js'
import { describeAlert } from '../../../shared/sources/alertmanager/describe-alert.js'
import type { AlertmanagerAlert } from '../../../shared/sources/alertmanager/schema.js'

// describeAlert runs per alert on ingest's hot path, written with loops and no spreads. This is
// its first version, written for reading, kept here as the specification: the two must answer
// exactly the same (the same keys in the same order, the same description text).

const ZERO_TIME = '0001-01-01T00:00:00Z'
const RESOURCE_LABELS = ['instance', 'host', 'hostname', 'node', 'pod', 'service', 'job']
const TENANT_LABELS = ['tenant', 'customer', 'client']

const firstLabel = (labels: Readonly<Record<string, string>>, names: readonly string[]) =>
  names.map((name) => labels[name]).find((value) => value !== undefined && value !== '')

const readableDescribeAlert = (
  alert: AlertmanagerAlert,
  fallbackUrl: string | undefined,
): Partial<AlertInput> => {
  const { labels, annotations } = alert
  const endsAt = alert.endsAt && alert.endsAt !== ZERO_TIME ? alert.endsAt : undefined
  const details = annotations.description ?? annotations.message
  const labelLines = Object.entries(labels).map(([name, value]) => `- ${name} = ${value}`)
  const description = [
    details,
    labelLines.length ? `Labels:\n${labelLines.join('\n')}` : undefined,
    annotations.runbook_url ? `Runbook: ${annotations.runbook_url}` : undefined,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join('\n\n')
  const tenant = firstLabel(labels, TENANT_LABELS)
  const resource = firstLabel(labels, RESOURCE_LABELS)
  const url = alert.generatorURL || fallbackUrl
  return {
    key: alertKey(alert),
    status: alert.status,
    severity: normalizeSeverity(labels.severity ?? labels.priority),
    title: annotations.summary || labels.alertname || 'Alert without a name',
    description,
    occurredAt: alert.status === 'resolved' ? (endsAt ?? alert.startsAt) : alert.startsAt,
    ...(url ? { url } : {}),
    ...(resource ? { resource: resource.slice(0, 255) } : {}),
    ...(tenant ? { tenant: { name: tenant } } : {}),
    labels,
  }
}

/** Label and annotation names: the ones describeAlert reads, and others, `__proto__` included. */
const name = fc.oneof(
  fc.constantFrom(
    ...RESOURCE_LABELS,
    ...TENANT_LABELS,
    'severity',
    'priority',
    'alertname',
    'description',
    'message',
    'summary',
    'runbook_url',
    '__proto__',
    '0',
    '10',
  ),
  fc.string({ maxLength: 12 }),
)
const text = fc.oneof(fc.constantFrom('', ' ', 'x'.repeat(300), 'critical', 'P1'), fc.string())

/** A text map as JSON.parse makes it (an own `__proto__` key stays a key). */
const textMap = fc
  .array(fc.tuple(name, text), { maxLength: 8 })
  .map(
    (entries) => JSON.parse(JSON.stringify(Object.fromEntries(entries))) as Record<string, string>,
  )

const optionalText = fc.option(text, { nil: undefined })

const alert: fc.Arbitrary<AlertmanagerAlert> = fc.record(
  {
    status: fc.constantFrom('firing' as const, 'resolved' as const),
    labels: textMap,
    annotations: textMap,
    startsAt: fc.constantFrom('2026-11-28T07:00:00Z', '2026-11-28T07:00:00.123456789Z'),
    endsAt: fc.oneof(fc.constant(ZERO_TIME), fc.constant('2026-11-28T08:00:00Z'), optionalText),
    generatorURL: optionalText,
    fingerprint: optionalText,
  },
  { requiredKeys: ['status', 'labels', 'annotations', 'startsAt'] },
) as fc.Arbitrary<AlertmanagerAlert>

describe('describeAlert', () => {
  it('answers exactly what its readable first version answers', () => {
    fc.assert(
      fc.property(alert, optionalText, (given, fallbackUrl) => {
        const fast = describeAlert(given, fallbackUrl)
        const readable = readableDescribeAlert(given, fallbackUrl)
        expect(Object.keys(fast)).toEqual(Object.keys(readable))
        expect(JSON.stringify(fast)).toBe(JSON.stringify(readable))
        expect(fast).toEqual(readable)
      }),
      { numRuns: 500 },
    )
  })
})
