import { alertmanagerSource } from './alertmanager/alertmanager-source.js'
import { awsSnsSource } from './aws-sns/aws-sns-source.js'
import { azureMonitorSource } from './azure-monitor/azure-monitor-source.js'
import { dattoRmmSource } from './datto-rmm/datto-rmm-source.js'
import { genericSource } from './generic/generic-source.js'
import { githubSource } from './github/github-source.js'
import { grafanaSource } from './grafana/grafana-source.js'
import { microsoftGraphSource } from './microsoft-graph/microsoft-graph-source.js'
import { ninjaOneSource } from './ninjaone/ninjaone-source.js'
import { jiraSource } from './jira/jira-source.js'
import { pagerDutySource } from './pagerduty/pagerduty-source.js'
import { sentrySource } from './sentry/sentry-source.js'
import { slackSource } from './slack/slack-source.js'
import { standardWebhooksSource } from './standard-webhooks/standard-webhooks-source.js'
import { uptimeKumaSource } from './uptime-kuma/uptime-kuma-source.js'
import { uptimeRobotSource } from './uptimerobot/uptimerobot-source.js'
import type { WebhookSource } from './webhook-source.js'
import { zabbixSource } from './zabbix/zabbix-source.js'

/** Every sender halo-hooks understands, by the id a route names in `source`. */
export const sources: Readonly<Record<string, WebhookSource<never>>> = {
  generic: genericSource as WebhookSource<never>,
  github: githubSource as WebhookSource<never>,
  'standard-webhooks': standardWebhooksSource as WebhookSource<never>,
  slack: slackSource as WebhookSource<never>,
  sentry: sentrySource as WebhookSource<never>,
  pagerduty: pagerDutySource as WebhookSource<never>,
  jira: jiraSource as WebhookSource<never>,
  'microsoft-graph': microsoftGraphSource as WebhookSource<never>,
  'datto-rmm': dattoRmmSource as WebhookSource<never>,
  ninjaone: ninjaOneSource as WebhookSource<never>,
  'aws-sns': awsSnsSource as WebhookSource<never>,
  alertmanager: alertmanagerSource as WebhookSource<never>,
  grafana: grafanaSource as WebhookSource<never>,
  'azure-monitor': azureMonitorSource as WebhookSource<never>,
  'uptime-kuma': uptimeKumaSource as WebhookSource<never>,
  uptimerobot: uptimeRobotSource as WebhookSource<never>,
  zabbix: zabbixSource as WebhookSource<never>,
}

export const findSource = (id: string): WebhookSource<unknown> | undefined =>
  Object.hasOwn(sources, id) ? (sources[id] as WebhookSource<unknown>) : undefined
