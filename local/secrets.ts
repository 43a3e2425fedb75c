import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { CompiledRoute } from '../shared/config/compile-config.js'
import { configPath, loadConfigFile } from '../shared/config/load-config-file.js'
import { ConfigError } from '../shared/errors.js'
import {
  CREDENTIAL_PLACEHOLDERS,
  credentialsFor,
} from '../shared/outbound/resolve-at-source-config.js'
import { parseSecrets } from '../shared/secrets/parse-secrets.js'
import { signingSecretsOf } from '../shared/secrets/secret-store.js'

const USAGE = `npm run secrets                  print the secret's JSON shape for this config
npm run secrets -- check <file>  validate a candidate secret file (values are never printed)

Then store it:  aws secretsmanager put-secret-value --secret-id <SecretId output> \\
                  --secret-string file://<file>`

/** The secret's JSON shape for the configured routes, with placeholders instead of values. */
export const secretTemplate = (routes: Iterable<CompiledRoute>): string => {
  const shape = {
    halo: {
      clientId: '<Halo API application: Client ID>',
      clientSecret: '<Halo API application: Client Secret>',
    },
    routes: Object.fromEntries(
      [...routes]
        .filter((route) => route.needsSecret || route.resolveAtSource)
        .map((route) => {
          const credentials =
            route.resolveAtSource && CREDENTIAL_PLACEHOLDERS[route.resolveAtSource.kind]
          return [
            route.name,
            {
              current: `<${route.auth?.type ?? route.source.id} secret the sender of "${route.name}" uses>`,
              ...(credentials ? { resolveAtSource: credentials } : {}),
            },
          ]
        }),
    ),
  }
  return JSON.stringify(shape, null, 2)
}

/**
 * Checks a candidate secret against the shape and the configured routes. Returns the report
 * lines and whether it is usable; the lines name keys and rules, never a value.
 */
export const checkSecret = (
  text: string,
  origin: string,
  routes: ReadonlyMap<string, CompiledRoute>,
): { ok: boolean; lines: string[] } => {
  let secrets: ReturnType<typeof parseSecrets>
  try {
    secrets = parseSecrets(text, origin)
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, lines: error.message.split('\n') }
    throw error
  }
  const problems: string[] = []
  const notes: string[] = []
  if (!secrets.halo) problems.push('halo: missing: deliver cannot get a Halo token without it')
  for (const route of routes.values()) {
    const count = signingSecretsOf(secrets, route.name).length
    if (route.needsSecret && count === 0) {
      problems.push(`routes.${route.name}: missing: its requests will be refused (5xx) until set`)
    } else if (count === 2) {
      notes.push(`routes.${route.name}: rotating (current and previous both verify)`)
    } else if (count === 1) {
      notes.push(`routes.${route.name}: ok`)
    }
  }
  for (const route of routes.values()) {
    if (!route.resolveAtSource) continue
    try {
      const stored = secrets.routes[route.name]?.resolveAtSource
      credentialsFor(route.resolveAtSource.kind, route.name, stored)
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      // Only resolving at the source fails (parked with this reason); alerts still reach Halo.
      problems.push(...error.issues.map((issue) => `${issue} (resolveAtSource)`))
    }
  }
  for (const name of Object.keys(secrets.routes)) {
    if (!routes.has(name)) notes.push(`routes.${name}: not a configured route (unused)`)
  }
  const lines = [
    problems.length ? `${origin}: ${problems.length} problem(s)` : `${origin}: valid`,
    ...problems.map((line) => `  ✗ ${line}`),
    ...notes.map((line) => `  · ${line}`),
  ]
  return { ok: problems.length === 0, lines }
}

/** `npm run secrets [check <file>]`. Resolves with the exit code. */
export const runSecrets = async (
  argv: readonly string[],
  out: (text: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  /** Where help goes, so `npm run secrets > file` writes only the JSON. */
  err: (text: string) => void = out,
): Promise<number> => {
  const [command, file] = argv
  if (command === '--help' || command === 'help') {
    out(`${USAGE}\n`)
    return 0
  }
  const { routes } = await loadConfigFile(configPath(env))
  if (command === undefined) {
    out(`${secretTemplate(routes.values())}\n`)
    err(`\n${USAGE}\n`)
    return 0
  }
  if (command !== 'check' || !file) {
    err(`${USAGE}\n`)
    return 2
  }
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new ConfigError(`cannot read ${file}`, [], { cause: error })
  })
  const { ok, lines } = checkSecret(text, file, routes)
  out(`${lines.join('\n')}\n`)
  return ok ? 0 : 1
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runSecrets(
    process.argv.slice(2),
    (text) => process.stdout.write(text),
    process.env,
    (text) => process.stderr.write(text),
  )
    .then((code) => {
      process.exitCode = code
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    })
}
