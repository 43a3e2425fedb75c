import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { configPath, loadConfigFile } from '../shared/config/load-config-file.js'
import { ConfigError } from '../shared/errors.js'
import { signingSecretsOf } from '../shared/secrets/secret-store.js'
import { importConfigModule } from './import-config-module.js'
import { localSecretStore, readLocalEnv } from './local-env.js'
import { signRequest } from './sign-request.js'

const USAGE =
  'usage: npm run send -- <route> [payload.json]   (HALO_HOOKS_URL or PORT names the gateway)'

/** The sample payload shipped for a sender, used when no file is given. */
export const samplePath = (source: string) =>
  fileURLToPath(new URL(`./samples/${source}.json`, import.meta.url))

const main = async () => {
  const [routeName, file] = process.argv.slice(2)
  if (!routeName) throw new ConfigError(USAGE)
  const env = readLocalEnv(process.env)
  const compiled = await loadConfigFile(configPath(process.env), importConfigModule)
  const route = compiled.routes.get(routeName)
  if (!route) {
    throw new ConfigError(
      `no route "${routeName}"; routes: ${[...compiled.routes.keys()].join(', ')}`,
    )
  }
  const payloadFile = file ?? samplePath(route.source.id)
  if (!existsSync(payloadFile)) throw new ConfigError(`no payload file ${payloadFile}`)
  const body = readFileSync(payloadFile, 'utf8') // sent byte for byte as stored: signatures cover bytes

  const [secret] = signingSecretsOf(await localSecretStore(env).store.get(), routeName)
  if (!secret && route.needsSecret) {
    throw new ConfigError(`no secret for route "${routeName}" in the configured secrets`)
  }
  const base = process.env.HALO_HOOKS_URL ?? `http://localhost:${env.PORT}`
  const signed = signRequest(route, {
    body,
    secret: secret ?? '',
    // Relative to the base, so a stage path in HALO_HOOKS_URL (…/prod) is kept.
    url: new URL(`hooks/${routeName}`, base.endsWith('/') ? base : `${base}/`),
    now: new Date(),
  })
  const response = await fetch(signed.url, { method: 'POST', headers: signed.headers, body })
  process.stdout.write(
    `POST ${signed.url.pathname} (${payloadFile}) -> ${response.status}\n${await response.text()}\n`,
  )
  if (!response.ok) process.exitCode = 1
}

main().catch((error: unknown) => {
  const reason = error instanceof Error ? error.message : String(error)
  const hint = /fetch failed|ECONNREFUSED/.test(reason) ? ' (is `npm start` running?)' : ''
  process.stderr.write(`${reason}${hint}\n`)
  process.exit(1)
})
