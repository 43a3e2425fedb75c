import { configPath, loadConfigFile } from '../shared/config/load-config-file.js'
import { ConfigError } from '../shared/errors.js'
import { createJsonLogger } from '../shared/observability.js'
import { startGateway } from './gateway.js'
import { localSecretStore, readLocalEnv } from './local-env.js'

const main = async () => {
  const env = readLocalEnv(process.env)
  const path = configPath(process.env)
  const compiled = await loadConfigFile(path)
  const secrets = localSecretStore(env)
  const logger = createJsonLogger({ level: env.LOG_LEVEL })
  const gateway = await startGateway({
    compiled,
    secrets: secrets.store,
    logger,
    port: env.PORT,
    hostname: env.HOST,
    ...(env.HALO_URL
      ? {
          halo: {
            url: env.HALO_URL,
            tenant: env.HALO_TENANT,
            clientId: env.HALO_CLIENT_ID,
            clientSecret: env.HALO_CLIENT_SECRET,
          },
        }
      : {}),
  })

  const lines = [
    `halo-hooks is listening on ${gateway.url}`,
    `  config:  ${path}`,
    `  secrets: ${secrets.origin}`,
    '  routes:',
    ...[...compiled.routes.values()].map(
      (route) =>
        `    POST ${gateway.url}/hooks/${route.name}  (${route.source.id}${route.description ? `: ${route.description}` : ''})${route.auth?.type === 'none' ? '  WARNING: unauthenticated' : ''}`,
    ),
    gateway.sandbox
      ? `  halo:    sandbox; tickets at ${gateway.haloUrl}/ (board) and ${gateway.haloUrl}/api/tickets (API)`
      : `  halo:    ${gateway.haloUrl}`,
    `  try:     npm run send -- ${[...compiled.routes.keys()][0]}`,
    '  stop:    Ctrl-C',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    process.stdout.write(`\n${signal}: finishing deliveries in hand and stopping\n`)
    await gateway.close()
    const left = gateway.queue.stats()
    if (left.queued + left.inFlight > 0) {
      process.stdout.write(
        `  ${left.queued + left.inFlight} envelope(s) were still queued (the local queue is in memory)\n`,
      )
    }
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
}

main().catch((error: unknown) => {
  process.stderr.write(
    error instanceof ConfigError
      ? `${error.message}\n`
      : `halo-hooks failed to start: ${String(error)}\n`,
  )
  process.exit(1)
})
