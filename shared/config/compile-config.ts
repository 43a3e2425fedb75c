import type { RouteAuth } from '../auth/route-auth.js'
import { ConfigError } from '../errors.js'
import { type CompiledTemplate, compileTemplate, type TemplateIssue } from '../mapping/template.js'
import { findSource, sources } from '../sources/registry.js'
import type { WebhookSource } from '../sources/webhook-source.js'
import { type Config, ConfigSchema, type Route } from './config-schema.js'

/** A route ready to serve: its source resolved, options validated, templates compiled. */
export type CompiledRoute = {
  name: string
  definition: Route
  source: WebhookSource<unknown>
  options: unknown
  auth: RouteAuth | undefined
  maxBodyBytes: number
  /** Alert fields the route derives or overrides; undefined when it sets none. */
  alert: CompiledTemplate | undefined
  ticket: CompiledTemplate
}

export type CompiledConfig = {
  config: Config
  routes: ReadonlyMap<string, CompiledRoute>
}

const pathOf = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(root)'

const compileRoute = (
  name: string,
  route: Route,
  config: Config,
  issues: string[],
): CompiledRoute | undefined => {
  const at = `routes.${name}`
  const source = findSource(route.source)
  if (!source) {
    issues.push(
      `${at}.source: unknown source "${route.source}" (known: ${Object.keys(sources).join(', ')})`,
    )
    return undefined
  }
  const options = source.options.safeParse(route.options ?? {})
  if (!options.success) {
    for (const issue of options.error.issues) {
      issues.push(`${at}.options.${pathOf(issue.path)}: ${issue.message}`)
    }
  }
  if (source.needsRouteAuth && !route.auth) {
    issues.push(
      `${at}.auth: required: the ${source.id} source has no signature scheme of its own ` +
        '(use hmac, bearer, header, query or basic)',
    )
  }
  for (const field of source.requiredAlertTemplates ?? []) {
    if (route.alert?.[field] === undefined) {
      issues.push(`${at}.alert.${field}: required: the ${source.id} source cannot derive it`)
    }
  }
  const templateIssues: TemplateIssue[] = []
  const compiled: CompiledRoute = {
    name,
    definition: route,
    source,
    options: options.success ? options.data : undefined,
    auth: route.auth,
    maxBodyBytes: route.maxBodyBytes ?? config.maxBodyBytes,
    alert: route.alert ? compileTemplate(route.alert, `${at}.alert`, templateIssues) : undefined,
    ticket: compileTemplate(route.ticket, `${at}.ticket`, templateIssues),
  }
  for (const issue of templateIssues) issues.push(`${issue.path}: ${issue.message}`)
  return compiled
}

/**
 * Validates a config object and compiles every route once. Throws one `ConfigError` listing every
 * problem, each as `<key path>: <rule broken>`.
 */
export const compileConfig = (input: unknown, origin = 'config'): CompiledConfig => {
  const parsed = ConfigSchema.safeParse(input)
  if (!parsed.success) {
    throw new ConfigError(
      `${origin} is invalid`,
      parsed.error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`),
    )
  }
  const issues: string[] = []
  const routes = new Map<string, CompiledRoute>()
  for (const [name, route] of Object.entries(parsed.data.routes)) {
    const compiled = compileRoute(name, route, parsed.data, issues)
    if (compiled) routes.set(name, compiled)
  }
  if (issues.length) throw new ConfigError(`${origin} is invalid`, issues)
  return { config: parsed.data, routes }
}
