import { fileURLToPath } from 'node:url'
import type { CompiledRoute } from '../shared/config/compile-config.js'
import { configPath, loadConfigFile } from '../shared/config/load-config-file.js'
import { ConfigError } from '../shared/errors.js'
import { type Secrets, signingSecretsOf } from '../shared/secrets/secret-store.js'
import { runDoctor } from './doctor.js'
import { importConfigModule } from './import-config-module.js'
import { localSecretStore, readLocalEnv } from './local-env.js'

/**
 * One line per route: its source and auth, a warning when it needs a secret that `origin` does
 * not hold (a route whose sender signs with its own key, such as SNS, needs none), and a warning
 * when it is unauthenticated.
 */
export const describeRoutes = (
  routes: Iterable<CompiledRoute>,
  secrets: Secrets,
  origin: string,
): string[] =>
  [...routes].map((route) => {
    const missing = route.needsSecret && signingSecretsOf(secrets, route.name).length === 0
    return (
      `  ${route.name}: ${route.source.id}${route.auth ? `, auth ${route.auth.type}` : ''}` +
      (missing ? `  WARNING: no secret for this route in ${origin}` : '') +
      (route.auth?.type === 'none' ? '  WARNING: unauthenticated' : '')
    )
  })

/**
 * `npm run validate [--halo] [config file]`: every problem of a config (and its local secrets) at
 * once; with `--halo`, then the checks of `npm run doctor` against the Halo `npm start` uses.
 * Resolves with the exit code.
 */
const main = async (argv: readonly string[]): Promise<number> => {
  const halo = argv.includes('--halo')
  const path = argv.find((arg) => arg !== '--halo') ?? configPath(process.env)
  const compiled = await loadConfigFile(path, importConfigModule)
  const { store, origin } = localSecretStore(readLocalEnv(process.env))
  const lines = [
    `${path}: valid, ${compiled.routes.size} route(s)`,
    ...describeRoutes(compiled.routes.values(), await store.get(), origin),
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
  if (!halo) return 0
  return runDoctor(['--config', path], {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
  })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code
    })
    .catch((error: unknown) => {
      process.stderr.write(
        error instanceof ConfigError ? `${error.message}\n` : `${String(error)}\n`,
      )
      process.exit(1)
    })
}
