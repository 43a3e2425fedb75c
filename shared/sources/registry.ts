import type * as z from '../zod-mini.js'
import { AlertmanagerOptionsSchema } from './alertmanager/alertmanager-options.js'
import { alertmanagerSource } from './alertmanager/alertmanager-source.js'
import { AwsSnsOptionsSchema, awsSnsSource } from './aws-sns/aws-sns-source.js'
import {
  AzureMonitorOptionsSchema,
  azureMonitorSource,
} from './azure-monitor/azure-monitor-source.js'
import { DattoRmmOptionsSchema, dattoRmmSource } from './datto-rmm/datto-rmm-source.js'
import { GenericOptionsSchema } from './generic/generic-options.js'
import { genericSource } from './generic/generic-source.js'
import { GitHubOptionsSchema, githubSource } from './github/github-source.js'
import { GrafanaOptionsSchema } from './grafana/grafana-options.js'
import { grafanaSource } from './grafana/grafana-source.js'
import { HaloSourceOptionsSchema } from './halo/halo-options.js'
import { haloSource } from './halo/halo-source.js'
import { HeartbeatOptionsSchema, heartbeatSource } from './heartbeat/heartbeat-source.js'
import { JiraOptionsSchema, jiraSource } from './jira/jira-source.js'
import {
  MicrosoftGraphOptionsSchema,
  microsoftGraphSource,
} from './microsoft-graph/microsoft-graph-source.js'
import { NinjaOneOptionsSchema, ninjaOneSource } from './ninjaone/ninjaone-source.js'
import { PagerDutyOptionsSchema, pagerDutySource } from './pagerduty/pagerduty-source.js'
import { SentryOptionsSchema, sentrySource } from './sentry/sentry-source.js'
import { SlackOptionsSchema, slackSource } from './slack/slack-source.js'
import {
  StandardWebhooksOptionsSchema,
  standardWebhooksSource,
} from './standard-webhooks/standard-webhooks-source.js'
import { UptimeKumaOptionsSchema, uptimeKumaSource } from './uptime-kuma/uptime-kuma-source.js'
import { UptimeRobotOptionsSchema, uptimeRobotSource } from './uptimerobot/uptimerobot-source.js'
import type { WebhookSource } from './webhook-source.js'
import { ZabbixOptionsSchema, zabbixSource } from './zabbix/zabbix-source.js'

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

/**
 * The schema of each sender's per-route `options`, by id: the config side's (validated at synth
 * and by the local gateway), kept apart from the sources so that a function's bundle, which gets
 * its routes' options already validated, loads no schema for them (issue 15).
 */
export const sourceOptions: Readonly<Record<string, z.core.$ZodType>> = {
  generic: GenericOptionsSchema,
  github: GitHubOptionsSchema,
  'standard-webhooks': StandardWebhooksOptionsSchema,
  slack: SlackOptionsSchema,
  sentry: SentryOptionsSchema,
  pagerduty: PagerDutyOptionsSchema,
  jira: JiraOptionsSchema,
  'microsoft-graph': MicrosoftGraphOptionsSchema,
  'datto-rmm': DattoRmmOptionsSchema,
  ninjaone: NinjaOneOptionsSchema,
  'aws-sns': AwsSnsOptionsSchema,
  alertmanager: AlertmanagerOptionsSchema,
  grafana: GrafanaOptionsSchema,
  'azure-monitor': AzureMonitorOptionsSchema,
  'uptime-kuma': UptimeKumaOptionsSchema,
  uptimerobot: UptimeRobotOptionsSchema,
  zabbix: ZabbixOptionsSchema,
  halo: HaloSourceOptionsSchema,
  heartbeat: HeartbeatOptionsSchema,
}

export const findSource = (id: string): WebhookSource<unknown> | undefined =>
  Object.hasOwn(sources, id) ? sources[id] : undefined

/**
 * The module a sender lives in, relative to this folder, as docs/contributing.md lays it out
 * (`<id>/<id>-source.ts`, exporting the source). A Lambda bundle imports from here only the
 * senders its routes name, each loaded with the first request to one of them (infra/bundling.ts
 * checks that the module exports the registered one).
 */
export const sourceModule = (id: string): string => `./${id}/${id}-source.ts`
