import type { RouteAuth } from '../auth/route-auth.js'
import { ConfigError } from '../errors.js'
import { oneClientWithoutTenant } from '../ingest/group-key.js'
import type { GroupPolicy } from '../lifecycle/group-policy.js'
import type { HeartbeatPolicy } from '../lifecycle/heartbeat-policy.js'
import type { BusinessHours, LifecyclePolicy, NoisePolicy } from '../lifecycle/lifecycle-policy.js'
import type { CompiledTemplate, TemplateIssue } from '../mapping/template.js'
import type { TenantPolicy } from '../mapping/tenant-policy.js'
import type { ResolveAtSource } from '../outbound/resolve-at-source-config.js'
import type { SenderLoader } from '../sources/sender-loader.js'
import type { WebhookSource } from '../sources/webhook-source.js'
import type { CompiledConfig, CompiledRoute, DeliveryRoute } from './compile-config.js'
import type { Route } from './config-schema.js'

/**
 * A route of a config that compiled, as plain JSON: what a Lambda bundle carries instead of the
 * config file (infra/bundling.ts). Everything was validated and defaulted at synth; the templates
 * stay as written (`alert`, `ticket`) and are compiled on first use.
 */
export type RouteData = {
  description?: string
  /** Ingest only: the sender's id, its validated options and how the route authenticates. */
  source?: string
  options?: unknown
  auth?: RouteAuth
  needsSecret?: boolean
  maxBodyBytes?: number
  alert?: Route['alert']
  ticket: Route['ticket']
  maps: Route['maps']
  lifecycle: LifecyclePolicy
  noise: NoisePolicy
  group?: GroupPolicy
  heartbeat?: HeartbeatPolicy
  tenant: TenantPolicy
  resolveAtSource?: ResolveAtSource
  haloAgentId?: number
  businessHours?: BusinessHours
}

/** Which function a bundle is for: ingest receives (senders and all), deliver only delivers. */
export type RouteDataFor = 'ingest' | 'deliver'

/**
 * The routes of a compiled config as data for one function's bundle. Deliver gets only what
 * delivering needs (no sender, options or auth). Throws when a value would not survive JSON (a
 * source whose options parse into something else), so the bundle never differs from the check.
 */
export const routeDataOf = (
  compiled: CompiledConfig,
  fn: RouteDataFor,
): Record<string, RouteData> => {
  const data: Record<string, RouteData> = {}
  for (const [name, route] of compiled.routes) {
    const written = compiled.config.routes[name]
    if (!written) throw new ConfigError(`routes.${name}: compiled, but not in the config`)
    const delivery: RouteData = {
      ticket: written.ticket,
      maps: route.maps,
      lifecycle: route.lifecycle,
      noise: route.noise,
      ...(route.group ? { group: route.group } : {}),
      ...(route.heartbeat ? { heartbeat: route.heartbeat } : {}),
      tenant: route.tenant,
      ...(route.resolveAtSource ? { resolveAtSource: route.resolveAtSource } : {}),
      ...(route.haloAgentId === undefined ? {} : { haloAgentId: route.haloAgentId }),
      ...(route.businessHours ? { businessHours: route.businessHours } : {}),
    }
    data[name] =
      fn === 'deliver'
        ? delivery
        : {
            ...delivery,
            ...(route.description === undefined ? {} : { description: route.description }),
            source: route.source.id,
            options: route.options,
            ...(route.auth ? { auth: route.auth } : {}),
            needsSecret: route.needsSecret,
            maxBodyBytes: route.maxBodyBytes,
            ...(written.alert ? { alert: written.alert } : {}),
          }
  }
  const json = JSON.stringify(data)
  if (!sameJson(JSON.parse(json), data)) {
    throw new ConfigError('the compiled config does not survive JSON, so it cannot be bundled')
  }
  return data
}

const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (typeof b === 'number') return Number.isFinite(b) && a === b
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Object.getPrototypeOf(b) !== Object.prototype && !Array.isArray(b)) return false
  const defined = Object.entries(b).filter(([, value]) => value !== undefined)
  return (
    defined.length === Object.keys(a).length &&
    defined.every(([key, value]) => sameJson((a as Record<string, unknown>)[key], value))
  )
}

/**
 * A template compiled when first rendered (the compiler loads then, in its own chunk of the
 * bundle), and kept. It is compiled without JSONata's compiler: plain paths never load JSONata,
 * and other expressions load it when they first run. The config was validated at synth, so
 * compiling cannot fail here unless the bundle was built from an unchecked config.
 */
export const templateOnFirstUse = (template: unknown, path: string): CompiledTemplate => {
  let compiled: Promise<CompiledTemplate> | undefined
  const compile = async () => {
    const { compileTemplate } = await import('../mapping/template.js')
    const issues: TemplateIssue[] = []
    const result = compileTemplate(template, path, issues)
    if (issues.length) {
      throw new ConfigError(
        `${path} does not compile`,
        issues.map((issue) => `${issue.path}: ${issue.message}`),
      )
    }
    return result
  }
  let ready: CompiledTemplate | undefined
  const load = () =>
    (compiled ??= compile().then((template) => {
      ready = template
      return template
    }))
  return {
    render: async (context) => (await load()).render(context),
    // Once compiled, as synchronous as the template itself; before that, a promise.
    renderNow: (context) =>
      ready ? ready.renderNow(context) : load().then((template) => template.render(context)),
  }
}

const deliveryRoute = (name: string, route: RouteData): DeliveryRoute => ({
  name,
  ticket: templateOnFirstUse(route.ticket, `routes.${name}.ticket`),
  contact: route.tenant.contact
    ? templateOnFirstUse(route.tenant.contact, `routes.${name}.tenant.contact`)
    : undefined,
  maps: route.maps,
  lifecycle: route.lifecycle,
  noise: route.noise,
  group: route.group,
  heartbeat: route.heartbeat,
  tenant: route.tenant,
  resolveAtSource: route.resolveAtSource,
  haloAgentId: route.haloAgentId,
  businessHours: route.businessHours,
})

/** Deliver's routes from its bundle's data. */
export function routesFromData(data: Record<string, RouteData>): ReadonlyMap<string, DeliveryRoute>
/** Ingest's routes from its bundle's data and the senders they name (in a bundle, loaders). */
export function routesFromData(
  data: Record<string, RouteData>,
  senders: Readonly<Record<string, WebhookSource<unknown> | SenderLoader>>,
): ReadonlyMap<string, CompiledRoute>
export function routesFromData(
  data: Record<string, RouteData>,
  senders?: Readonly<Record<string, WebhookSource<unknown> | SenderLoader>>,
): ReadonlyMap<string, DeliveryRoute | CompiledRoute> {
  const routes = new Map<string, DeliveryRoute | CompiledRoute>()
  for (const [name, route] of Object.entries(data)) {
    if (!senders) {
      routes.set(name, deliveryRoute(name, route))
      continue
    }
    const source = senders[route.source ?? '']
    if (!source) throw new ConfigError(`routes.${name}: the bundle has no "${route.source}" sender`)
    routes.set(name, {
      ...deliveryRoute(name, route),
      description: route.description,
      source,
      options: route.options,
      auth: route.auth,
      needsSecret: route.needsSecret ?? true,
      maxBodyBytes: route.maxBodyBytes ?? 0,
      alert: route.alert ? templateOnFirstUse(route.alert, `routes.${name}.alert`) : undefined,
      groupKey:
        route.group?.key === undefined
          ? undefined
          : templateOnFirstUse({ key: route.group.key }, `routes.${name}.group`),
      groupTenantless: oneClientWithoutTenant(route.ticket, route.tenant),
    })
  }
  return routes
}
