import { createHash } from 'node:crypto'

/**
 * The correlation key of an Alertmanager-shaped alert: its `fingerprint` (Alertmanager's hash of
 * the label set, identical on firing and resolved) or, for senders that omit it, a hash of the
 * labels sorted by name, so the same label set always yields the same key.
 */
export const alertKey = (alert: {
  fingerprint?: string | undefined
  labels: Readonly<Record<string, string>>
}): string => {
  if (alert.fingerprint) return alert.fingerprint
  const sorted = Object.entries(alert.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const digest = createHash('sha256').update(JSON.stringify(sorted)).digest('hex')
  return `labels:${digest.slice(0, 32)}`
}
