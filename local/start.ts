import { resolveHaloBudget } from '../shared/config/halo-budget.js'
import { configPath, loadConfigFile } from '../shared/config/load-config-file.js'
import type { Reconcile } from '../shared/config/reconcile-config.js'
import { envelopeKey } from '../shared/envelope.js'
import { ConfigError, LocalStateError } from '../shared/errors.js'
import { createJsonLogger } from '../shared/observability.js'
import { startGateway } from './gateway.js'
import { checkHaloCredentials, startupLines } from './halo-doctor.js'
import { parseSandboxRateLimit } from './halo-sandbox/sandbox-rate-limit.js'
import { importConfigModule } from './import-config-module.js'
import { localHaloTarget, localSecretStore, readLocalEnv } from './local-env.js'

/** What the reconcile sweep does, as `npm start` says it. */
const reconcileLine = (reconcile: Reconcile) =>
  reconcile.enabled
    ? `  sweep:   open tickets re-read every ${reconcile.everyMinutes} min, at most ${reconcile.maxTicketsPerSweep} and ${Math.round(reconcile.maxBudgetShare * 100)} % of the budget (config \`reconcile\`)`
    : '  sweep:   off (config `reconcile.enabled`): a lost Halo webhook is learned at the next recheck'

const main = async () => {
  const env = readLocalEnv(process.env)
  const path = configPath(process.env)
  const compiled = await loadConfigFile(path, importConfigModule)
  const secrets = localSecretStore(env)
  const logger = createJsonLogger({ level: env.LOG_LEVEL })
  const budget = resolveHaloBudget(
    compiled.config.budget,
    { limit: env.HALO_BUDGET_LIMIT, windowSeconds: env.HALO_BUDGET_WINDOW_SECONDS },
    'config file or HALO_BUDGET_*',
  )
  const sandboxRateLimit = parseSandboxRateLimit(env.HALO_SANDBOX_RATE_LIMIT)
  const target = await localHaloTarget(env, secrets)
  const gateway = await startGateway({
    compiled,
    secrets: secrets.store,
    logger,
    port: env.PORT,
    hostname: env.HOST,
    dataDir: env.HALO_HOOKS_DATA_DIR,
    budget,
    sandboxWebhooks: env.HALO_SANDBOX_WEBHOOKS,
    sandboxSource: env.HALO_SANDBOX_SOURCE,
    ...(env.HALO_HOOKS_DUE_EVERY_MS ? { dueEveryMs: env.HALO_HOOKS_DUE_EVERY_MS } : {}),
    ...(sandboxRateLimit ? { sandboxRateLimit } : {}),
    ...(target
      ? {
          halo: {
            url: target.url,
            tenant: target.tenant,
            clientId: target.clientId,
            clientSecret: target.clientSecret,
          },
        }
      : {}),
  })

  const { resumed } = gateway
  const lines = [
    `halo-hooks is listening on ${gateway.url}`,
    `  config:  ${path}`,
    `  secrets: ${secrets.origin}`,
    gateway.dataFile
      ? `  state:   ${gateway.dataFile} (SQLite; HALO_HOOKS_DATA_DIR)${
          gateway.openedAtVersion
            ? `; carrying on with ${resumed.queued + resumed.inFlight} queued and ${resumed.deadLettered} parked`
            : '; new'
        }${gateway.backupFile ? `; migrated, the old file copied to ${gateway.backupFile}` : ''}`
      : '  state:   in memory (HALO_HOOKS_DATA_DIR=memory): stopping loses what is queued or parked',
    '  routes:',
    ...[...compiled.routes.values()].map(
      (route) =>
        `    ${route.source.acceptsGet ? 'GET|POST' : 'POST'} ${gateway.url}/hooks/${route.name}  (${route.source.id}${route.description ? `: ${route.description}` : ''})${route.heartbeat ? `  heartbeat: a ticket after ${route.heartbeat.expectEveryMinutes} + ${route.heartbeat.graceMinutes} min without a ping` : ''}${route.auth?.type === 'none' ? '  WARNING: unauthenticated' : ''}`,
    ),
    gateway.sandbox
      ? `  halo:    sandbox; tickets at ${gateway.haloUrl}/ (board) and ${gateway.haloUrl}/api/tickets (API)`
      : `  halo:    ${gateway.haloUrl}`,
    ...(gateway.sandboxWebhookUrl
      ? [
          `  webhook: the sandbox tells ${gateway.sandboxWebhookUrl} when a ticket closes, reopens or is deleted (HALO_SANDBOX_WEBHOOKS)`,
        ]
      : []),
    ...(gateway.sourceReceiver
      ? [
          `  source:  a technician's close resolves the alert at the sandbox's source receiver, ${gateway.sourceReceiver.url} (a signed webhook, for ${gateway.sourceReceiver.routes.join(', ')}: routes without resolveAtSource; HALO_SANDBOX_SOURCE=off)`,
        ]
      : []),
    `  deliveries: ${gateway.deliveriesUrl}  (each alert's outcome; replay parked ones)`,
    `  budget:  ${budget.limit} Halo requests per ${budget.windowSeconds} s at most (learns lower from 429s)`,
    reconcileLine(compiled.config.reconcile),
    ...(gateway.dueEveryMs === undefined
      ? []
      : [
          `  timers:  deadlines that have come are acted on within ${gateway.dueEveryMs / 1000} s (HALO_HOOKS_DUE_EVERY_MS)`,
        ]),
    `  try:     npm run send -- ${[...compiled.routes.keys()][0]}`,
    '  stop:    Ctrl-C',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  if (target) {
    // Refused credentials would otherwise show only as parked deliveries: say so now.
    void checkHaloCredentials(gateway.halo, target).then((finding) => {
      process.stdout.write(`${startupLines(finding).join('\n')}\n`)
      if (finding.status === 'problem') {
        logger.error('Halo check failed at start', {
          code: finding.code,
          detail: finding.detail,
          fix: finding.fix,
        })
      }
    })
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    process.stdout.write(`\n${signal}: finishing deliveries in hand and stopping\n`)
    const { queued, inFlight, deadLettered, deadLetters } = await gateway.close()
    process.stdout.write(
      `  left: ${queued} queued, ${inFlight} in flight, ${deadLettered} parked` +
        (queued + inFlight + deadLettered === 0
          ? ''
          : gateway.dataFile
            ? ` (kept in ${gateway.dataFile}: the next npm start carries on with them)`
            : ' (the local queue is in memory: they are lost now)') +
        '\n',
    )
    for (const { envelope, reason } of deadLetters) {
      process.stdout.write(`  parked ${envelope.route} ${envelopeKey(envelope)}: ${reason}\n`)
    }
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError || error instanceof LocalStateError
      ? `${error.message}\n`
      : `halo-hooks failed to start: ${String(error)}\n`,
  )
  process.exit(1)
})
