/** One alert of an Alertmanager (v4) webhook notification. */
export type AmAlert = {
  fingerprint: string
  status: 'firing' | 'resolved'
  labels?: Record<string, string>
  summary?: string
  description?: string
  startsAt?: string
}

/** A notification as Alertmanager sends it to a webhook receiver, for the given alerts. */
export const alertmanagerNotification = (alerts: AmAlert[]): string =>
  JSON.stringify({
    receiver: 'halo',
    status: alerts.some((alert) => alert.status === 'firing') ? 'firing' : 'resolved',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.example:9093',
    version: '4',
    groupKey: '{}:{}',
    truncatedAlerts: 0,
    alerts: alerts.map((alert) => ({
      status: alert.status,
      labels: { alertname: 'DiskFull', severity: 'critical', ...alert.labels },
      annotations: {
        summary: alert.summary ?? `Disk full (${alert.fingerprint})`,
        description: alert.description ?? 'Free space below 5%',
      },
      startsAt: alert.startsAt ?? '2026-11-28T07:00:00Z',
      endsAt: alert.status === 'resolved' ? '2026-11-28T08:00:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.example:9090/graph',
      fingerprint: alert.fingerprint,
    })),
  })
