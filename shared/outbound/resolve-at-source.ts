import type { SecretStore } from '../secrets/secret-store.js'
import { createAlertmanagerSilencer } from './alertmanager-silencer.js'
import { createDattoRmmResolver } from './datto-rmm-resolver.js'
import { createDattoRmmTokenSource, type DattoRmmTokenSource } from './datto-rmm-token-source.js'
import type { OutboundHttp } from './outbound-request.js'
import { createPagerDutyResolver } from './pagerduty-resolver.js'
import {
  credentialsFor,
  type OutboundCredentials,
  type ResolveAtSource,
  type ResolveAtSourceKind,
} from './resolve-at-source-config.js'
import { createSignedWebhookNotifier } from './signed-webhook-notifier.js'
import type {
  ResolveResult,
  SourceAlert,
  SourceResolver,
  TicketChange,
  TicketRef,
} from './source-resolver.js'

/** A route's target: where its alerts are resolved, as its config says. */
export type ResolveTarget = { route: string; config: ResolveAtSource }

export type ResolveAtSourceDeps = OutboundHttp & { secrets: SecretStore }

type Build<Kind extends ResolveAtSourceKind> = (
  config: Extract<ResolveAtSource, { kind: Kind }>,
  credentials: OutboundCredentials[Kind],
  route: string,
) => SourceResolver

/**
 * Resolves an alert at its source through the route's target, with credentials read from the
 * route's secret on every call (rotation needs no restart). Datto RMM tokens are kept per API URL
 * and key across calls, as Datto asks.
 */
export const createResolveAtSource = (deps: ResolveAtSourceDeps) => {
  const { secrets, ...http } = deps
  const dattoTokens = new Map<string, DattoRmmTokenSource>()

  const adapters: { [Kind in ResolveAtSourceKind]: Build<Kind> } = {
    pagerduty: (config, { apiToken }) =>
      createPagerDutyResolver({ ...http, baseUrl: config.baseUrl, from: config.from, apiToken }),
    'datto-rmm': (config, { apiKey, apiSecret }) => {
      const apiUrl = config.apiUrl ?? `https://${config.platform}-api.centrastage.net`
      // A rotated secret is a new cache entry: the old token is never used with the new key.
      const id = `${apiUrl}\u0000${apiKey}\u0000${apiSecret}`
      let tokens = dattoTokens.get(id)
      if (!tokens) {
        tokens = createDattoRmmTokenSource({ ...http, apiUrl, apiKey, apiSecret })
        dattoTokens.set(id, tokens)
      }
      return createDattoRmmResolver({ ...http, apiUrl, tokens })
    },
    alertmanager: (config, credentials) =>
      createAlertmanagerSilencer({
        ...http,
        url: config.url,
        silenceMinutes: config.silenceMinutes,
        createdBy: config.createdBy,
        basicAuth: credentials,
      }),
    webhook: (config, { signingSecret }, route) =>
      createSignedWebhookNotifier({ ...http, url: config.url, signingSecret, route }),
  }

  /**
   * Tells `target`'s source that `ticket`, which tracked `alert`, was closed (or deleted, or
   * merged) in Halo. Throws what its adapter throws, and `ConfigError` for missing credentials.
   */
  return async (
    target: ResolveTarget,
    alert: SourceAlert,
    ticket: TicketRef,
    what: TicketChange,
  ): Promise<ResolveResult> => {
    const stored = (await secrets.get()).resolveAtSource?.[target.route]
    const { kind } = target.config
    const credentials = credentialsFor(kind, target.route, stored)
    // One lookup by kind; the table's type ties each entry to its own config and credentials.
    const build = adapters[kind] as Build<ResolveAtSourceKind>
    return build(target.config, credentials, target.route).resolve(alert, ticket, what)
  }
}

export type ResolveAtSourceFn = ReturnType<typeof createResolveAtSource>
