import type { Alert } from '../../alert.js'
import { parseJsonText } from '../parse-body.js'
import type { AlertDraft } from '../webhook-source.js'
import { type CloudWatchAlarm, CloudWatchAlarmSchema, type SnsNotification } from './schema.js'

/** The alarm in an SNS `Message`, or undefined when the message is not a CloudWatch alarm. */
export const cloudWatchAlarmIn = (message: string): CloudWatchAlarm | undefined => {
  let parsed: unknown
  try {
    parsed = parseJsonText(message, 'Message')
  } catch {
    return undefined
  }
  const result = CloudWatchAlarmSchema.safeParse(parsed)
  return result.success ? result.data : undefined
}

/** CloudWatch writes `2019-02-15T23:53:45.093+0000`; ISO 8601 wants the offset as `+00:00`. */
const isoInstant = (value: string | undefined): string | undefined => {
  if (!value) return undefined
  const date = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

/** `arn:aws:cloudwatch:<region>:<account>:alarm:<name>` → a console link to the alarm. */
const consoleUrl = (alarm: CloudWatchAlarm): string | undefined => {
  const region = alarm.AlarmArn?.split(':')[3]
  if (!region || !/^[a-z0-9-]+$/.test(region)) return undefined
  const domain = region.startsWith('cn-') ? 'console.amazonaws.cn' : 'console.aws.amazon.com'
  return `https://${region}.${domain}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarm.AlarmName)}`
}

const dimensionsOf = (alarm: CloudWatchAlarm): Record<string, string> =>
  Object.fromEntries(
    (alarm.Trigger?.Dimensions ?? [])
      .filter((dimension) => dimension.name)
      .map((dimension) => [
        dimension.name as string,
        typeof dimension.value === 'string' ? dimension.value : JSON.stringify(dimension.value),
      ]),
  )

/**
 * One alert for an alarm state change: `ALARM` fires and `OK` resolves the alarm's key (its ARN,
 * else account + name). Any other state (`INSUFFICIENT_DATA`) yields no draft.
 */
export const draftFromAlarm = (
  alarm: CloudWatchAlarm,
  notification: SnsNotification,
  severity: Alert['severity'],
): AlertDraft | undefined => {
  const state = alarm.NewStateValue.toUpperCase()
  if (state !== 'ALARM' && state !== 'OK') return undefined
  const dimensions = dimensionsOf(alarm)
  const resource = Object.entries(dimensions)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ')
  const occurredAt = isoInstant(alarm.StateChangeTime) ?? isoInstant(notification.Timestamp)
  const url = consoleUrl(alarm)
  const labels: Record<string, string> = { ...dimensions, alarmName: alarm.AlarmName }
  for (const [name, value] of [
    ['namespace', alarm.Trigger?.Namespace],
    ['metricName', alarm.Trigger?.MetricName],
    ['region', alarm.Region],
    ['awsAccountId', alarm.AWSAccountId],
    ['oldState', alarm.OldStateValue],
    ['newState', alarm.NewStateValue],
  ] as const) {
    if (value) labels[name] = value
  }
  return {
    alert: {
      key: alarm.AlarmArn ?? `cloudwatch:${alarm.AWSAccountId ?? 'unknown'}:${alarm.AlarmName}`,
      status: state === 'ALARM' ? 'firing' : 'resolved',
      severity,
      title: alarm.AlarmDescription
        ? `${alarm.AlarmName}: ${alarm.AlarmDescription}`
        : `CloudWatch alarm ${alarm.AlarmName}`,
      description: [
        alarm.NewStateReason,
        alarm.Region && `Region: ${alarm.Region}`,
        resource && `Dimensions: ${resource}`,
      ]
        .filter(Boolean)
        .join('\n'),
      ...(occurredAt ? { occurredAt } : {}),
      ...(url ? { url } : {}),
      ...(resource ? { resource: resource.slice(0, 255) } : {}),
      ...(alarm.AWSAccountId ? { tenant: { id: alarm.AWSAccountId } } : {}),
      labels,
    },
    raw: alarm,
  }
}
