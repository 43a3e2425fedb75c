import jsonata from 'jsonata'
import * as z from 'zod'
import type { RouteAuth } from '../auth/route-auth.js'
import { describeIssues } from '../describe-issues.js'
import { ConfigError } from '../errors.js'
import { oneClientWithoutTenant } from '../ingest/group-key.js'
import type { GroupPolicy } from '../lifecycle/group-policy.js'
import type { HeartbeatPolicy } from '../lifecycle/heartbeat-policy.js'
import type { BusinessHours, LifecyclePolicy, NoisePolicy } from '../lifecycle/lifecycle-policy.js'
import { type CompiledTemplate, compileTemplate, type TemplateIssue } from '../mapping/template.js'
import type { TenantPolicy } from '../mapping/tenant-policy.js'
import type { ResolveAtSource } from '../outbound/resolve-at-source-config.js'
import { findSource, sourceOptions, sources } from '../sources/registry.js'
import type { SenderLoader } from '../sources/sender-loader.js'
import type { WebhookSource } from '../sources/webhook-source.js'
import { type Config, ConfigSchema, ROUTE_NAME, type Route, RouteSchema } from './config-schema.js'

/** A route ready to serve: its source resolved, options validated, templates compiled, and
 * every fact a caller needs decided here, once. */
export type CompiledRoute = {
  name: string
  /** What the route is for, shown by `npm start` and `npm run validate`. */
  description: string | undefined
  /**
   * The route's sender; in a function's bundle, until its first request, the means to load it
   * (`routeWithSender` answers the route with it loaded).
   */
  source: WebhookSource<unknown> | SenderLoader
  /** The source's validated options. */
  options: unknown
  auth: RouteAuth | undefined
  /** Requests are verified with a secret from the store (route auth, or the sender's scheme). */
  needsSecret: boolean
  maxBodyBytes: number
  /** Alert fields the route derives or overrides; undefined when it sets none. */
  alert: CompiledTemplate | undefined
  ticket: CompiledTemplate
  /** The `tenant.contact` templates (`{ email, name }`); undefined when the route sets none. */
  contact: CompiledTemplate | undefined
  /** Value tables for templates. */
  maps: Route['maps']
  lifecycle: LifecyclePolicy
  noise: NoisePolicy
  /** Incident grouping; undefined: every alert key is its own problem. */
  group: GroupPolicy | undefined
  /** The group key template (`group.key`), rendered at ingest; undefined: the default key. */
  groupKey: CompiledTemplate | undefined
  /** With the default group key: alerts naming no tenant are grouped by the route (one client). */
  groupTenantless: boolean
  /** Every alert is a heartbeat's ping (see `heartbeat.ts`); undefined: an ordinary route. */
  heartbeat: HeartbeatPolicy | undefined
  tenant: TenantPolicy
  /** The route's business hours; undefined: none (templates see no `alert.inBusinessHours`). */
  businessHours: BusinessHours | undefined
  /** Where alerts are resolved when their ticket is closed in Halo; undefined: nowhere. */
  resolveAtSource: ResolveAtSource | undefined
  /**
   * On a route that receives Halo's own webhooks (the `halo` source): the agent halo-hooks acts
   * as in Halo (its `agentId` option), so that our own changes coming back are recognised.
   */
  haloAgentId: number | undefined
}

/** A route with its sender loaded: what verifying and reading a request take. */
export type ReceivingRoute = CompiledRoute & { source: WebhookSource<unknown> }

/** What delivering an alert needs of its route: the deliver function's bundle has no sender. */
export type DeliveryRoute = Pick<
  CompiledRoute,
  | 'name'
  | 'ticket'
  | 'contact'
  | 'maps'
  | 'lifecycle'
  | 'noise'
  | 'group'
  | 'heartbeat'
  | 'tenant'
  | 'resolveAtSource'
  | 'haloAgentId'
  | 'businessHours'
>

export type CompiledConfig = {
  config: Config
  routes: ReadonlyMap<string, CompiledRoute>
}

/** The top level, with routes checked one by one afterwards so every route's problems show. */
const TopLevelSchema = ConfigSchema.extend({
  routes: z
    .record(z.string(), z.unknown())
    .refine((routes) => Object.keys(routes).length > 0, 'at least one route is required'),
})

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Checks a route that passed its schema against its source, and compiles its templates. */
const compileRoute = (
  name: string,
  route: Route,
  maxBodyBytes: number,
  issues: string[],
): CompiledRoute | undefined => {
  const at = `routes.${name}`
  const source = findSource(route.source)
  if (!source) {
    issues.push(
      `${at}.source: unknown source "${route.source}" (known: ${Object.keys(sources).join(', ')})`,
    )
    reportTemplateIssues(name, route, issues)
    return undefined
  }
  const optionsSchema = sourceOptions[route.source] as z.core.$ZodType
  const options = z.safeParse(optionsSchema, route.options ?? {})
  if (!options.success) {
    issues.push(
      ...describeIssues(options.error, {
        prefix: ['routes', name, 'options'],
        schema: optionsSchema,
      }),
    )
  }
  const needsRouteAuth =
    typeof source.needsRouteAuth === 'function'
      ? options.success && source.needsRouteAuth(options.data)
      : source.needsRouteAuth
  if (needsRouteAuth && !route.auth) {
    issues.push(
      `${at}.auth: required: the ${source.id} source has no signature scheme of its own ` +
        '(use hmac, bearer, header, query or basic)',
    )
  }
  if (source.needsHeartbeatPolicy && !route.heartbeat) {
    issues.push(
      `${at}.heartbeat: required: the ${source.id} source needs to know how often its sender ` +
        'pings, e.g. heartbeat: { expectEveryMinutes: 60 } for an hourly job (graceMinutes ' +
        'defaults to 10 % of it, at least 5)',
    )
  }
  for (const field of source.requiredAlertTemplates ?? []) {
    if (route.alert?.[field] === undefined) {
      issues.push(`${at}.alert.${field}: required: the ${source.id} source cannot derive it`)
    }
  }
  if (route.group) {
    // Each of these is decided per alert; an incident would silently go without it.
    const alone = [
      // Closing an incident would resolve only the alert that opened it at its source.
      route.resolveAtSource && 'resolveAtSource',
      route.noise.flapping && 'noise.flapping',
      route.lifecycle.resolveAfterQuietMinutes !== undefined &&
        'lifecycle.resolveAfterQuietMinutes',
      route.businessHours?.outOfHours === 'defer' && "businessHours.outOfHours: 'defer'",
      // Every alert of a heartbeat route is a ping for its own key, never an incident's member.
      route.heartbeat && 'heartbeat',
    ]
    for (const policy of alone) {
      if (policy) issues.push(`${at}.group: cannot be combined with ${policy}`)
    }
  }
  const templateIssues: TemplateIssue[] = []
  const compiled: CompiledRoute = {
    name,
    description: route.description,
    source,
    options: options.success ? options.data : undefined,
    auth: route.auth,
    // Route auth other than `none` always takes a secret; without it the sender's scheme decides.
    needsSecret: route.auth ? route.auth.type !== 'none' : source.needsSecret !== false,
    maxBodyBytes: route.maxBodyBytes ?? maxBodyBytes,
    alert: route.alert
      ? compileTemplate(route.alert, `${at}.alert`, templateIssues, jsonata)
      : undefined,
    ticket: compileTemplate(route.ticket, `${at}.ticket`, templateIssues, jsonata),
    contact: route.tenant.contact
      ? compileTemplate(route.tenant.contact, `${at}.tenant.contact`, templateIssues, jsonata)
      : undefined,
    maps: route.maps,
    lifecycle: route.lifecycle,
    noise: route.noise,
    group: route.group,
    groupKey:
      route.group?.key === undefined
        ? undefined
        : compileTemplate({ key: route.group.key }, `${at}.group`, templateIssues, jsonata),
    groupTenantless: oneClientWithoutTenant(route.ticket, route.tenant),
    heartbeat: route.heartbeat,
    tenant: route.tenant,
    businessHours: route.businessHours,
    resolveAtSource: route.resolveAtSource,
    haloAgentId:
      source.id === 'halo' && options.success
        ? (options.data as { agentId?: number } | undefined)?.agentId
        : undefined,
  }
  issues.push(...templateIssues.map((issue) => `${issue.path}: ${issue.message}`))
  return compiled
}

/** Compiles what templates a route that failed its schema has, so their errors show too. */
const reportTemplateIssues = (name: string, raw: unknown, issues: string[]) => {
  if (!isObject(raw)) return
  const templateIssues: TemplateIssue[] = []
  for (const part of ['alert', 'ticket'] as const) {
    if (isObject(raw[part]))
      compileTemplate(raw[part], `routes.${name}.${part}`, templateIssues, jsonata)
  }
  const contact = isObject(raw.tenant) ? raw.tenant.contact : undefined
  if (isObject(contact)) {
    compileTemplate(contact, `routes.${name}.tenant.contact`, templateIssues, jsonata)
  }
  issues.push(...templateIssues.map((issue) => `${issue.path}: ${issue.message}`))
}

/**
 * Validates a config object and compiles every route once. Throws one `ConfigError` listing every
 * problem of every route, each as `<key path>: <rule broken>`.
 */
export const compileConfig = (input: unknown, origin = 'config'): CompiledConfig => {
  const top = TopLevelSchema.safeParse(input)
  if (!top.success) {
    throw new ConfigError(
      `${origin} is invalid`,
      describeIssues(top.error, { schema: ConfigSchema }),
    )
  }
  const issues: string[] = []
  const routes = new Map<string, CompiledRoute>()
  const definitions: Record<string, Route> = {}
  for (const [name, raw] of Object.entries(top.data.routes)) {
    if (!ROUTE_NAME.test(name)) {
      issues.push(
        `routes.${name}: route names are lower-case letters, digits and dashes (at most 63)`,
      )
    }
    const route = RouteSchema.safeParse(raw)
    if (!route.success) {
      issues.push(...describeIssues(route.error, { prefix: ['routes', name], schema: RouteSchema }))
      reportTemplateIssues(name, raw, issues)
      continue
    }
    definitions[name] = route.data
    const compiled = compileRoute(name, route.data, top.data.maxBodyBytes, issues)
    if (compiled) routes.set(name, compiled)
  }
  if (issues.length) throw new ConfigError(`${origin} is invalid`, issues)
  return { config: { ...top.data, routes: definitions }, routes }
}
