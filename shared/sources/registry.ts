import { alertmanagerSource } from './alertmanager/alertmanager-source.js'
import { awsSnsSource } from './aws-sns/aws-sns-source.js'
import { azureMonitorSource } from './azure-monitor/azure-monitor-source.js'
import { dattoRmmSource } from './datto-rmm/datto-rmm-source.js'
import { genericSource } from './generic/generic-source.js'
import { githubSource } from './github/github-source.js'
import { grafanaSource } from './grafana/grafana-source.js'
import { haloSource } from './halo/halo-source.js'
import { heartbeatSource } from './heartbeat/heartbeat-source.js'
import { jiraSource } from './jira/jira-source.js'
import { microsoftGraphSource } from './microsoft-graph/microsoft-graph-source.js'
import { ninjaOneSource } from './ninjaone/ninjaone-source.js'
import { pagerDutySource } from './pagerduty/pagerduty-source.js'
import { sentrySource } from './sentry/sentry-source.js'
import { slackSource } from './slack/slack-source.js'
import { standardWebhooksSource } from './standard-webhooks/standard-webhooks-source.js'
import { uptimeKumaSource } from './uptime-kuma/uptime-kuma-source.js'
import { uptimeRobotSource } from './uptimerobot/uptimerobot-source.js'
import type { WebhookSource } from './webhook-source.js'
import { zabbixSource } from './zabbix/zabbix-source.js'

/** Sources are listed without their option types: each validates its own options at load. */
const erase = <Options>(source: WebhookSource<Options>) =>
  source as unknown as WebhookSource<unknown>

/** Every sender halo-hooks understands, by the id a route names in `source`. */
export const sources: Readonly<Record<string, WebhookSource<unknown>>> = {
  generic: erase(genericSource),
  github: erase(githubSource),
  'standard-webhooks': erase(standardWebhooksSource),
  slack: erase(slackSource),
  sentry: erase(sentrySource),
  pagerduty: erase(pagerDutySource),
  jira: erase(jiraSource),
  'microsoft-graph': erase(microsoftGraphSource),
  'datto-rmm': erase(dattoRmmSource),
  ninjaone: erase(ninjaOneSource),
  'aws-sns': erase(awsSnsSource),
  alertmanager: erase(alertmanagerSource),
  grafana: erase(grafanaSource),
  'azure-monitor': erase(azureMonitorSource),
  'uptime-kuma': erase(uptimeKumaSource),
  uptimerobot: erase(uptimeRobotSource),
  zabbix: erase(zabbixSource),
  halo: erase(haloSource),
  heartbeat: erase(heartbeatSource),
}

export const findSource = (id: string): WebhookSource<unknown> | undefined =>
  Object.hasOwn(sources, id) ? sources[id] : undefined

/**
 * The module a sender lives in, relative to this folder, as docs/contributing.md lays it out
 * (`<id>/<id>-source.ts`, exporting the source). A Lambda bundle imports from here only the
 * senders its routes name (infra/bundling.ts checks that the module exports the registered one).
 */
export const sourceModule = (id: string): string => `./${id}/${id}-source.ts`
