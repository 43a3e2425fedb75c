import { type AlertInput, normalizeSeverity } from '../../alert.js'
import { alertKey } from './alert-key.js'
import type { AlertmanagerAlert } from './schema.js'

/** Label names that usually name the host, device or service an alert is about, best first. */
const RESOURCE_LABELS = ['instance', 'host', 'hostname', 'node', 'pod', 'service', 'job']

/** Label names an operator may set on a rule to say which customer it concerns. */
const TENANT_LABELS = ['tenant', 'customer', 'client']

/** Alertmanager's zero time: `endsAt` carries it while an alert is still firing. */
const ZERO_TIME = '0001-01-01T00:00:00Z'

const firstLabel = (labels: Readonly<Record<string, string>>, names: readonly string[]) => {
  for (const name of names) {
    const value = labels[name]
    if (value !== undefined && value !== '') return value
  }
  return undefined
}

/** The annotation's text, the labels one per line and the runbook, each part only if present. */
const descriptionOf = (alert: AlertmanagerAlert): string => {
  const { labels, annotations } = alert
  let description = annotations.description ?? annotations.message ?? ''
  let labelLines = ''
  for (const name in labels) {
    if (!Object.hasOwn(labels, name)) continue
    labelLines += `${labelLines ? '\n' : ''}- ${name} = ${labels[name]}`
  }
  if (labelLines) description += `${description ? '\n\n' : ''}Labels:\n${labelLines}`
  const runbook = annotations.runbook_url
  if (runbook) description += `${description ? '\n\n' : ''}Runbook: ${runbook}`
  return description
}

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
  const tenant = firstLabel(labels, TENANT_LABELS)
  const resource = firstLabel(labels, RESOURCE_LABELS)
  const url = alert.generatorURL || fallbackUrl
  // Built in this order, keys added only when present (no spreads: this runs per alert).
  const described: Partial<AlertInput> = {
    key: alertKey(alert),
    status: alert.status,
    severity: normalizeSeverity(labels.severity ?? labels.priority),
    title: annotations.summary || labels.alertname || 'Alert without a name',
    description: descriptionOf(alert),
    occurredAt: alert.status === 'resolved' ? (endsAt ?? alert.startsAt) : alert.startsAt,
  }
  if (url) described.url = url
  if (resource) described.resource = resource.slice(0, 255)
  if (tenant) described.tenant = { name: tenant }
  described.labels = labels
  return described
}
