import config from '../../halo-hooks.config.js'
import { type GatewayOptions, startGateway } from '../../local/gateway.js'
import type { HaloSandbox } from '../../local/halo-sandbox/halo-sandbox.js'
import { compileConfig } from '../../shared/config/compile-config.js'
import type { Reconcile } from '../../shared/config/reconcile-config.js'
import type { CorrelationStore } from '../../shared/lifecycle/correlation-store.js'
import { problemIdentity } from '../../shared/lifecycle/problem-identity.js'
import { createJsonLogger } from '../../shared/observability.js'
import { createMemorySecretStore } from '../../shared/secrets/memory-secret-store.js'
import type { SecretStore, Secrets } from '../../shared/secrets/secret-store.js'
import { eventually } from './processes.js'

/** What tests read of a sandbox ticket. */
export type SandboxTicket = {
  id: number
  summary: string
  details?: string
  client_id?: number
  site_id?: number
  status_id: number
  hasbeenclosed?: boolean
  third_party_id_string?: string
  assets?: { id: number }[]
  actions: { id: number; note?: string; outcome?: string; new_status?: number }[]
}

export const PROMETHEUS_TOKEN = 'e2e-prometheus-token'

/**
 * The local gateway on an ephemeral port with the shipped config (or another), fast retries, a
 * settable clock, and every log line captured.
 */
export const startTestGateway = async (
  options: {
    config?: unknown
    secrets?: Secrets
    /** The secret store itself, to change a secret while the gateway runs (instead of `secrets`). */
    secretStore?: SecretStore
    haloTimeoutMs?: number
    /** Window in which the queue drops a repeated envelope id (SQS FIFO: 5 min). */
    deduplicationWindowMs?: number
    store?: CorrelationStore
    /** First deferral of a failed delivery, doubling per receive. @default 10 */
    retryBaseMs?: number
    /** The sandbox's webhooks to the `halo` route (they need its secret in `secrets`). */
    sandboxWebhooks?: GatewayOptions['sandboxWebhooks']
    /** The sandbox source demo: routes without `resolveAtSource` tell the sandbox's receiver. */
    sandboxSource?: GatewayOptions['sandboxSource']
    /** Requests to the sources' APIs (resolve at source). */
    outbound?: GatewayOptions['outbound']
    /** Halo requests per window. @default 1_000 per 5 s */
    budget?: GatewayOptions['budget']
    /** Over the config file's reconcile sweep settings. */
    reconcile?: Partial<Reconcile>
    /** The sweep's period in ms (the config's minutes otherwise). */
    reconcileEveryMs?: number
    /** Run the due sweep on a timer (default: when some route keeps deadlines). */
    timers?: boolean
    /** The due sweep's period in ms. */
    dueEveryMs?: number
  } = {},
) => {
  const logs: string[] = []
  let now = new Date('2026-11-28T12:00:00Z')
  const compiled = compileConfig(options.config ?? config)
  const gateway = await startGateway({
    compiled,
    reconcile: { ...compiled.config.reconcile, ...options.reconcile },
    ...(options.reconcileEveryMs ? { reconcileEveryMs: options.reconcileEveryMs } : {}),
    ...(options.timers === undefined ? {} : { timers: options.timers }),
    ...(options.dueEveryMs ? { dueEveryMs: options.dueEveryMs } : {}),
    secrets:
      options.secretStore ??
      createMemorySecretStore(
        options.secrets ?? { routes: { prometheus: { current: PROMETHEUS_TOKEN } } },
      ),
    logger: createJsonLogger({ write: (line) => logs.push(line) }),
    port: 0,
    now: () => now,
    ...(options.store ? { store: options.store } : {}),
    ...(options.sandboxWebhooks ? { sandboxWebhooks: options.sandboxWebhooks } : {}),
    ...(options.sandboxSource ? { sandboxSource: options.sandboxSource } : {}),
    ...(options.outbound ? { outbound: options.outbound } : {}),
    queue: {
      visibilityTimeoutMs: 5_000,
      maxReceiveCount: 50,
      deduplicationWindowMs: options.deduplicationWindowMs ?? 300_000,
    },
    // A Halo that allows plenty in a short window: the budget learns from injected 429s and is
    // back to full within seconds, as it would be within minutes against hosted Halo.
    budget: options.budget ?? { limit: 1_000, windowSeconds: 5 },
    haloClient: { timeoutMs: options.haloTimeoutMs ?? 1_000, backoff: { baseMs: 5, maxMs: 20 } },
    worker: { retryBaseMs: options.retryBaseMs ?? 10, pollMs: 10 },
  })
  const sandbox = gateway.sandbox as HaloSandbox
  return {
    gateway,
    sandbox,
    logs,
    advance(minutes: number) {
      now = new Date(now.getTime() + minutes * 60_000)
    },
    post: (route: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${gateway.url}/hooks/${route}`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${PROMETHEUS_TOKEN}`,
          ...headers,
        },
      }),
    /** Resolves once every queued envelope was delivered, deduplicated, recorded or parked. */
    settled: () =>
      eventually(async () => {
        const { queued, inFlight } = gateway.queue.stats()
        return queued + inFlight === 0 ? true : undefined
      }, 60_000),
    /** Tickets of one problem (route + correlation key), oldest first, with their actions. */
    ticketsOf: (key: string, route = 'prometheus') =>
      (sandbox.tickets() as unknown as SandboxTicket[])
        .filter((ticket) => ticket.third_party_id_string === problemIdentity(route, key))
        .reverse(),
  }
}
