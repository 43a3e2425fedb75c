import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import type { CompiledConfig, CompiledRoute } from '../shared/config/compile-config.js'
import { configPath, loadConfigFile } from '../shared/config/load-config-file.js'
import { ConfigError } from '../shared/errors.js'
import {
  CREDENTIAL_PLACEHOLDERS,
  credentialsFor,
} from '../shared/outbound/resolve-at-source-config.js'
import { parseSecrets } from '../shared/secrets/parse-secrets.js'
import { type SecretPart, type Secrets, signingSecretsOf } from '../shared/secrets/secret-store.js'
import { findStackSecret } from './aws-stack-secret.js'
import { importConfigModule } from './import-config-module.js'
import { planSecretWrites, planSplit, type SecretIds, type SecretsPlan } from './secret-writes.js'

const USAGE = `npm run secrets                  print the secrets' JSON shape for this config
npm run secrets -- check <file>  validate a candidate secrets file (values are never printed)
npm run secrets -- put <file>    plan storing the file's two parts in the stack's two secrets
npm run secrets -- split         plan moving the Halo credentials out of the signing secret
                                 (a stack deployed before there were two secrets)

put and split change nothing without --apply; they print key names, never values.
  --apply                  make the planned writes
  --stack <name>           the deployed stack [deploy.stackName, else HaloHooks]
  --signing-secret <id>    the SigningSecretId output [deploy.secretName, else found by tag]
  --halo-secret <id>       the HaloSecretId output [deploy.haloSecretName, else found by tag]`

/** The secret's JSON shape for the configured routes, with placeholders instead of values. */
export const secretTemplate = (configured: Iterable<CompiledRoute>): string => {
  const routes = [...configured]
  // Only kinds that need credentials (Alertmanager's are optional) get a placeholder.
  const resolving = routes.flatMap((route) => {
    const placeholder = route.resolveAtSource && CREDENTIAL_PLACEHOLDERS[route.resolveAtSource.kind]
    return placeholder ? [{ name: route.name, placeholder }] : []
  })
  const shape = {
    halo: {
      clientId: '<Halo API application: Client ID>',
      clientSecret: '<Halo API application: Client Secret>',
    },
    ...(resolving.length > 0
      ? {
          resolveAtSource: Object.fromEntries(
            resolving.map(({ name, placeholder }) => [name, placeholder]),
          ),
        }
      : {}),
    routes: Object.fromEntries(
      routes
        .filter((route) => route.needsSecret)
        .map((route) => [
          route.name,
          {
            current: `<${route.auth?.type ?? route.source.id} secret the sender of "${route.name}" uses>`,
          },
        ]),
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
      const stored = secrets.resolveAtSource?.[route.name]
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

const readFileText = (file: string) =>
  readFile(file, 'utf8').catch((error: unknown) => {
    throw new ConfigError(`cannot read ${file}`, [], { cause: error })
  })

type AwsOptions = {
  apply: boolean
  stack: string | undefined
  signingSecret: string | undefined
  haloSecret: string | undefined
}

/** The two secrets of the deployed stack: given, named in the config, or found by their tags. */
const stackSecretIds = async (
  client: SecretsManagerClient,
  options: AwsOptions,
  deploy: CompiledConfig['config']['deploy'],
): Promise<SecretIds> => {
  const stack = options.stack ?? deploy?.stackName ?? 'HaloHooks'
  return {
    routes:
      options.signingSecret ??
      deploy?.secretName ??
      (await findStackSecret(client, stack, 'routes', '--signing-secret')),
    halo:
      options.haloSecret ??
      deploy?.haloSecretName ??
      (await findStackSecret(client, stack, 'halo', '--halo-secret')),
  }
}

const readSecret = async (client: SecretsManagerClient, secretId: string): Promise<Secrets> => {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }))
  if (SecretString === undefined) throw new ConfigError(`secret ${secretId} has no string value`)
  return parseSecrets(SecretString, `secret ${secretId}`)
}

const PART_NAME: Record<SecretPart, string> = { routes: 'signing secret', halo: 'Halo secret' }

/**
 * Prints the plan and, with `apply`, makes its writes in order. Before the signing secret is
 * written, the Halo secret is read back: credentials are removed from the signing secret only
 * once the Halo secret is seen holding them.
 */
const carryOut = async (
  client: SecretsManagerClient,
  plan: SecretsPlan,
  ids: SecretIds,
  apply: boolean,
  out: (text: string) => void,
): Promise<number> => {
  const lines = [
    `signing secret: ${ids.routes}`,
    `Halo secret:    ${ids.halo}`,
    plan.writes.length ? 'plan:' : 'nothing to change:',
    ...plan.writes.map(
      (write, index) =>
        `  ${index + 1}. ${PART_NAME[write.part]} ${write.secretId}: ${write.summary}`,
    ),
    ...plan.notes.map((note) => `  · ${note}`),
  ]
  out(`${lines.join('\n')}\n`)
  if (plan.writes.length === 0) return 0
  if (!apply) {
    out(
      `dry run: nothing was changed; run again with --apply to make ${plan.writes.length} write(s)\n`,
    )
    return 0
  }
  for (const [index, write] of plan.writes.entries()) {
    if (write.part === 'routes' && plan.writes.some(({ part }) => part === 'halo')) {
      const stored = await readSecret(client, ids.halo)
      const wanted = parseSecrets(
        plan.writes.find(({ part }) => part === 'halo')?.value ?? '',
        'plan',
      )
      if (JSON.stringify(stored.halo) !== JSON.stringify(wanted.halo)) {
        throw new ConfigError(
          `${ids.halo} does not read back the credentials just written; the signing secret was left as it was. Run the command again`,
        )
      }
    }
    await client.send(
      new PutSecretValueCommand({ SecretId: write.secretId, SecretString: write.value }),
    )
    out(`  ✓ ${index + 1}. ${PART_NAME[write.part]} written\n`)
  }
  out('done: the functions read the new values within their cache time (5 minutes)\n')
  return 0
}

export type SecretsDeps = {
  /** Builds the Secrets Manager client for put and split. @default the SDK's default chain */
  secretsManager?: () => SecretsManagerClient
}

/** `npm run secrets [check <file> | put <file> | split]`. Resolves with the exit code. */
export const runSecrets = async (
  argv: readonly string[],
  out: (text: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  /** Where help goes, so `npm run secrets > file` writes only the JSON. */
  err: (text: string) => void = out,
  deps: SecretsDeps = {},
): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      apply: { type: 'boolean', default: false },
      stack: { type: 'string' },
      'signing-secret': { type: 'string' },
      'halo-secret': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  })
  const [command, file] = positionals
  if (values.help || command === 'help') {
    out(`${USAGE}\n`)
    return 0
  }
  const { config, routes } = await loadConfigFile(configPath(env), importConfigModule)
  if (command === undefined) {
    out(`${secretTemplate(routes.values())}\n`)
    err(`\n${USAGE}\n`)
    return 0
  }
  if (command === 'check' && file) {
    const { ok, lines } = checkSecret(await readFileText(file), file, routes)
    out(`${lines.join('\n')}\n`)
    return ok ? 0 : 1
  }
  if (!((command === 'put' && file) || command === 'split')) {
    err(`${USAGE}\n`)
    return 2
  }
  const wanted = file ? parseSecrets(await readFileText(file), file) : undefined
  const client = deps.secretsManager?.() ?? new SecretsManagerClient({})
  const options: AwsOptions = {
    apply: values.apply,
    stack: values.stack,
    signingSecret: values['signing-secret'],
    haloSecret: values['halo-secret'],
  }
  const ids = await stackSecretIds(client, options, config.deploy)
  const current = {
    routes: await readSecret(client, ids.routes),
    halo: await readSecret(client, ids.halo),
  }
  const plan = wanted ? planSecretWrites(current, wanted, ids) : planSplit(current, ids)
  return carryOut(client, plan, ids, options.apply, out)
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
