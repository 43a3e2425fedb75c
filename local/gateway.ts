import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { deliverEvent } from '../functions/deliver/deliver-event.js'
import { createIngestApp } from '../functions/ingest/app.js'
import type { CompiledConfig } from '../shared/config/compile-config.js'
import type { HaloBudget } from '../shared/config/halo-budget.js'
import type { Reconcile } from '../shared/config/reconcile-config.js'
import type { DeliveryHistory } from '../shared/delivery/delivery-history.js'
import {
  createHistoryReceipts,
  settledCorrelationStore,
} from '../shared/delivery/write-receipts.js'
import { createHaloClient, type HaloClientOptions } from '../shared/halo/halo-client.js'
import { createHaloDirectory, DIRECTORY_TTL_MS } from '../shared/halo/halo-directory.js'
import type { CorrelationStore } from '../shared/lifecycle/correlation-store.js'
import { routeNeedsTimers } from '../shared/lifecycle/due.js'
import type { Logger } from '../shared/observability.js'
import type { OutboundHttp } from '../shared/outbound/outbound-request.js'
import { createResolveAtSource } from '../shared/outbound/resolve-at-source.js'
import type { LocalEventQueueOptions } from '../shared/queue/local-event-queue.js'
import { runSweep } from '../shared/reconcile/run-sweep.js'
import { sweepPace } from '../shared/reconcile/sweep-pace.js'
import { type SecretStore, signingSecretsOf } from '../shared/secrets/secret-store.js'
import { runDueSweep } from '../shared/timers/run-due-sweep.js'
import { createDeliveriesApp } from './deliveries-app.js'
import { haloTicketUrl } from './delivery-view.js'
import { createHaloSandbox, SANDBOX_CREDENTIALS } from './halo-sandbox/halo-sandbox.js'
import type { SandboxWebhook } from './halo-sandbox/sandbox-webhooks.js'
import { openLocalState } from './local-state.js'
import { type LocalWorkerOptions, startLocalWorker } from './local-worker.js'
import { startPeriodicTimer } from './periodic-timer.js'
import { startSandboxSourceDemo } from './sandbox-source-demo.js'

/** How often the gateway's due sweep runs by default: deadlines are met within this. */
export const DUE_EVERY_MS = 15_000

export type GatewayOptions = {
  compiled: CompiledConfig
  secrets: SecretStore
  logger: Logger
  /** A real Halo to deliver to; without it the built-in sandbox is mounted at `/halo`. */
  halo?: { url: string; tenant?: string; clientId?: string; clientSecret?: string }
  port?: number
  hostname?: string
  queue?: LocalEventQueueOptions
  /**
   * Where the queue, correlation state, rate budget and delivery history live: a directory for
   * the SQLite file (held by this gateway alone; a restart carries on from it), or `memory`.
   * @default 'memory'
   */
  dataDir?: string | undefined
  /** Correlation state; the data directory's unless given. */
  store?: CorrelationStore
  /** Every envelope's latest outcome; the data directory's unless given. */
  history?: DeliveryHistory
  /** Halo requests per window for every worker (the config file's `budget`, env overrides). */
  budget?: HaloBudget
  /** The reconcile sweep (the config file's `reconcile` unless given). */
  reconcile?: Reconcile
  /** The sweep's period in ms, instead of `reconcile.everyMinutes` (tests and demos). */
  reconcileEveryMs?: number
  /**
   * Run the due sweep (timers for problems whose deadline has come) on a timer.
   * @default whether some route's policies keep deadlines (`routeNeedsTimers`)
   */
  timers?: boolean
  /** The due sweep's period in ms (HALO_HOOKS_DUE_EVERY_MS). @default 15_000 */
  dueEveryMs?: number
  /** Rate-limit the built-in sandbox as Halo would (HALO_SANDBOX_RATE_LIMIT). */
  sandboxRateLimit?: { limit: number; windowMs: number }
  /**
   * The built-in sandbox sends its webhooks, with this payload, to the first route of source
   * `halo` with Basic auth (HALO_SANDBOX_WEBHOOKS). @default 'key-fields'
   */
  sandboxWebhooks?: NonNullable<SandboxWebhook['payload']> | 'off'
  /**
   * With the built-in sandbox, routes without a `resolveAtSource` of their own tell the
   * sandbox's source receiver (a signed webhook) when a technician closes their ticket
   * (HALO_SANDBOX_SOURCE). @default 'off'
   */
  sandboxSource?: 'on' | 'off'
  /** Halo client settings (timeouts, retries, budget) over the defaults. */
  haloClient?: Partial<HaloClientOptions>
  /** Requests to the sources' APIs (resolve at source): timeouts, or a fetch that fails. */
  outbound?: OutboundHttp
  /** Worker settings (concurrency, deferral base). */
  worker?: Pick<LocalWorkerOptions, 'concurrency' | 'pollMs' | 'retryBaseMs'>
  now?: () => Date
}

/**
 * The whole pipeline in one process: ingest at `/hooks/:route`, the queue, a worker delivering
 * to Halo, and (unless a real Halo is given) the Halo sandbox at `/halo`; the state in the data
 * directory's SQLite file, or in memory.
 */
export const startGateway = async (options: GatewayOptions) => {
  const { compiled, secrets, logger } = options
  const now = options.now ?? (() => new Date())
  // Opened first: a data directory held by another gateway stops this one before it listens.
  const state = openLocalState({
    dataDir: options.dataDir,
    owner: 'halo-hooks gateway (starting)',
    halo: options.halo,
    ...(options.queue ? { queue: options.queue } : {}),
  })
  const { queue } = state
  const resumed = queue.stats()
  const sandbox = options.halo ? undefined : createHaloSandbox()
  if (sandbox && options.sandboxRateLimit) {
    sandbox.setRateLimit({ ...options.sandboxRateLimit, retryAfter: true })
  }
  const store = options.store ?? state.store
  const budget = options.budget ?? compiled.config.budget
  const reconcile = options.reconcile ?? compiled.config.reconcile
  const history = options.history ?? state.history
  // As in AWS: a delivered envelope's history row is the receipt of its Halo write.
  const receipts = createHistoryReceipts(history)

  const app = new Hono()
  if (sandbox) {
    // The board's relative links need the trailing slash; mount strips the prefix for the app.
    app.get('/halo', (c) => c.redirect('/halo/', 302))
    app.mount('/halo', sandbox.app.fetch)
  }
  app.route(
    '/',
    createDeliveriesApp({
      history,
      queue,
      routes: [...compiled.routes.keys()],
      // A delivered envelope links to its ticket: on the sandbox's board, or in the real Halo.
      ticketUrl: options.halo
        ? haloTicketUrl(options.halo.url)
        : (ticketId, origin) => `${origin}/halo/#ticket-${ticketId}`,
      logger,
    }),
  )
  // The state as delivery starts from it: a problem's last write settled by its receipt.
  const settled = settledCorrelationStore(store, receipts)
  // One map for ingest (its dry runs) and deliver: the sandbox source demo sets its targets in it
  // once the gateway's URL, which the receiver's is part of, is known.
  const routes = new Map(compiled.routes)
  app.route(
    '/',
    createIngestApp({
      routes,
      queue,
      secrets,
      now,
      logger,
      preview: { store: settled },
      ticketOwners: store,
    }),
  )

  const hostname = options.hostname ?? '127.0.0.1'
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 8787, hostname }, () =>
      resolve(started),
    )
    started.once('error', reject)
  }).catch((error: unknown) => {
    state.close()
    throw error
  })
  const { port } = server.address() as AddressInfo
  const url = `http://${hostname === '0.0.0.0' ? 'localhost' : hostname}:${port}`
  const haloUrl = options.halo?.url ?? `${url}/halo`
  state.describeOwner(`halo-hooks gateway on ${url}`)
  const sandboxWebhook =
    sandbox && options.sandboxWebhooks !== 'off'
      ? await sandboxWebhookTo(url, compiled, secrets, options.sandboxWebhooks ?? 'key-fields')
      : undefined
  sandbox?.setWebhook(sandboxWebhook)
  const sourceReceiverUrl = `${url}/halo/sandbox/source-receiver`
  const sourceDemo =
    sandbox && options.sandboxSource === 'on'
      ? startSandboxSourceDemo(routes, secrets, sourceReceiverUrl)
      : undefined
  sandbox?.setSourceReceiver(sourceDemo?.signingSecret)

  const halo = createHaloClient({
    baseUrl: haloUrl,
    tenant: options.halo?.tenant,
    // Credentials are read when the worker starts; a real Halo's come from env or the secret.
    ...(await haloCredentials(options, secrets)),
    // The sandbox too: the budget behaves as it would against the Halo it stands in for.
    budget: state.budget({
      limit: budget.limit,
      windowMs: budget.windowSeconds * 1000,
      sweepShare: reconcile.maxBudgetShare,
    }),
    // As in AWS, a delivery waits a moment for the budget at most; otherwise it is deferred to
    // its place in the budget's line and the worker takes the next message.
    maxWaitMs: 1_000,
    ...options.haloClient,
  })
  const directory = createHaloDirectory(halo, { ttlMs: DIRECTORY_TTL_MS })
  // Routes with `resolveAtSource` tell their source of a technician's close, with the
  // credentials in the route's secret (read on every call, as in AWS).
  const resolveAtSource = createResolveAtSource({
    ...options.outbound,
    secrets: sourceDemo?.secrets ?? secrets,
  })
  const worker = startLocalWorker({
    ...options.worker,
    queue,
    logger,
    history,
    deliver: (message, messageLogger) =>
      deliverEvent(message, {
        routes,
        halo,
        directory,
        store,
        resolveAtSource,
        receipts,
        logger: messageLogger,
        now,
      }),
  })
  const pace = sweepPace(reconcile, budget)
  /** One reconcile sweep now: open tickets re-read, what they show queued as ticket events. */
  const routeNames = new Set(compiled.routes.keys())
  const sweep = () => runSweep(pace, { store, halo, queue, routes: routeNames, logger, now })
  const reconciler = reconcile.enabled
    ? startPeriodicTimer({
        run: sweep,
        everyMs: options.reconcileEveryMs ?? reconcile.everyMinutes * 60_000,
        logger,
        failure: 'reconcile sweep failed',
      })
    : undefined
  /** One due sweep now: a timer queued for each problem whose due time has come. */
  const dueSweep = () => runDueSweep({ store, queue, routes: routeNames, logger, now })
  const timers = options.timers ?? [...compiled.routes.values()].some(routeNeedsTimers)
  const dueEveryMs = options.dueEveryMs ?? DUE_EVERY_MS
  const dueTimer = timers
    ? startPeriodicTimer({
        run: dueSweep,
        everyMs: dueEveryMs,
        logger,
        failure: 'due sweep failed',
      })
    : undefined

  return {
    url,
    haloUrl,
    queue,
    sandbox,
    halo,
    store,
    /** `store` with each problem's last write settled by its receipt: the state as it stands. */
    settled,
    history,
    sweep,
    dueSweep,
    /** How often the due sweep runs; undefined when it does not (no route keeps deadlines). */
    dueEveryMs: dueTimer ? dueEveryMs : undefined,
    deliveriesUrl: `${url}/deliveries`,
    /** Where the built-in sandbox sends its ticket webhooks, if anywhere. */
    sandboxWebhookUrl: sandboxWebhook?.url,
    /** The sandbox's source receiver and the routes that tell it, when the demo is on. */
    sourceReceiver: sourceDemo && { url: sourceReceiverUrl, routes: sourceDemo.routes },
    /** The SQLite file the state is in; undefined when it is in memory. */
    dataFile: state.file,
    /** The schema version the file was opened at (0: new), and its copy before a migration. */
    openedAtVersion: state.openedAtVersion,
    /** What the queue held when it was opened (carried on from the last run). */
    resumed,
    backupFile: state.backupFile,
    routeUrls: [...compiled.routes.keys()].map((name) => ({ name, url: `${url}/hooks/${name}` })),
    /**
     * Stops taking requests and messages, finishes the deliveries in hand, and lets go of the
     * data directory. Answers what was left in the queue at that moment.
     */
    async close() {
      await reconciler?.stop()
      await dueTimer?.stop()
      await worker.stop()
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      )
      const left = { ...queue.stats(), deadLetters: queue.deadLetters() }
      state.close()
      return left
    },
  }
}

export type Gateway = Awaited<ReturnType<typeof startGateway>>

/**
 * The webhook a Halo would be configured with for this gateway: to the first `halo` route that
 * takes Basic auth, with its user name and current secret. None when there is no such route.
 */
const sandboxWebhookTo = async (
  url: string,
  compiled: CompiledConfig,
  secrets: SecretStore,
  payload: NonNullable<SandboxWebhook['payload']>,
): Promise<SandboxWebhook | undefined> => {
  const route = [...compiled.routes.values()].find(
    (candidate) => candidate.source.id === 'halo' && candidate.auth?.type === 'basic',
  )
  if (route?.auth?.type !== 'basic') return undefined
  const [password] = signingSecretsOf(await secrets.get(), route.name)
  if (!password) return undefined
  return { url: `${url}/hooks/${route.name}`, username: route.auth.username, password, payload }
}

const haloCredentials = async (options: GatewayOptions, secrets: SecretStore) => {
  if (!options.halo) return SANDBOX_CREDENTIALS
  if (options.halo.clientId && options.halo.clientSecret) {
    return { clientId: options.halo.clientId, clientSecret: options.halo.clientSecret }
  }
  const stored = (await secrets.get()).halo
  if (!stored) {
    throw new Error(
      'HALO_URL is set but no Halo credentials: set HALO_CLIENT_ID and HALO_CLIENT_SECRET',
    )
  }
  return stored
}
