import { type AlertInput, normalizeSeverity } from '../../alert.js'
import { alertKey } from './alert-key.js'
import type { AlertmanagerAlert } from './schema.js'

/** Label names that usually name the host, device or service an alert is about, best first. */
const RESOURCE_LABELS = ['instance', 'host', 'hostname', 'node', 'pod', 'service', 'job']

/** Label names an operator may set on a rule to say which customer it concerns. */
const TENANT_LABELS = ['tenant', 'customer', 'client']

/** Alertmanager's zero time: `endsAt` carries it while an alert is still firing. */
const ZERO_TIME = '0001-01-01T00:00:00Z'

const firstLabel = (labels: Readonly<Record<string, string>>, names: readonly string[]) =>
  names.map((name) => labels[name]).find((value) => value !== undefined && value !== '')

/**
 * The alert fields every Alertmanager-shaped sender yields (Alertmanager itself and Grafana):
 * key, status, severity from the `severity` label, title from the `summary` annotation or the
 * alert name, and the instant of the transition (`startsAt` when firing, `endsAt` when resolved).
 */
export const describeAlert = (
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
