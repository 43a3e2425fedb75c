import { configPath, loadConfigFile } from '../shared/config/load-config-file.js'
import { ConfigError } from '../shared/errors.js'
import { signingSecretsOf } from '../shared/secrets/secret-store.js'
import { localSecretStore, readLocalEnv } from './local-env.js'

/** `npm run validate [config file]`: every problem of a config (and its local secrets) at once. */
const main = async () => {
  const path = process.argv[2] ?? configPath(process.env)
  const compiled = await loadConfigFile(path)
  const lines = [`${path}: valid, ${compiled.routes.size} route(s)`]
  const env = readLocalEnv(process.env)
  const { store, origin } = localSecretStore(env)
  const secrets = await store.get()
  for (const route of compiled.routes.values()) {
    const hasSecret = signingSecretsOf(secrets, route.name).length > 0
    lines.push(
      `  ${route.name}: ${route.source.id}${route.auth ? `, auth ${route.auth.type}` : ''}` +
        (route.needsSecret && !hasSecret
          ? `  WARNING: no secret for this route in ${origin}`
          : '') +
        (route.auth?.type === 'none' ? '  WARNING: unauthenticated' : ''),
    )
  }
  process.stdout.write(`${lines.join('\n')}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `${String(error)}\n`)
  process.exit(1)
})
