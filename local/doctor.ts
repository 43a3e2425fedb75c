import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import type { CompiledConfig } from '../shared/config/compile-config.js'
import { configPath, loadConfigFile } from '../shared/config/load-config-file.js'
import { AppError, ConfigError } from '../shared/errors.js'
import { createHaloClient, type HaloClientOptions } from '../shared/halo/halo-client.js'
import { createAwsSecretStore } from '../shared/secrets/aws-secret-store.js'
import { findStackSecret } from './aws-stack-secret.js'
import { type DoctorFinding, formatFinding, type HaloTarget } from './doctor-findings.js'
import { formatReport, runHaloDoctor } from './halo-doctor.js'
import { SANDBOX_CREDENTIALS } from './halo-sandbox/halo-sandbox.js'
import { startHaloSandbox } from './halo-sandbox/start-halo-sandbox.js'
import { importConfigModule } from './import-config-module.js'
import { localHaloTarget, localSecretStore, readLocalEnv } from './local-env.js'

const USAGE = `npm run doctor -- [options]
  Checks, without writing anything, that halo-hooks can work with its Halo: the URL, the
  tenant, the credentials and the agent they act as, and for every route the ids its ticket
  templates fix, the ticket type's mandatory fields, the closing status, the note's outcome and
  the lookups its tenant policy makes. Exits 1 when it finds a problem.

  (no option)        the Halo npm start uses: HALO_URL and HALO_TENANT, with HALO_CLIENT_ID and
                     HALO_CLIENT_SECRET or the secret file (HALO_HOOKS_SECRETS_FILE); without
                     HALO_URL, the built-in sandbox
  --aws              the deployed stack's Halo: deploy.haloUrl and deploy.haloTenant of the
                     config, with the credentials in the stack's Halo secret (your AWS credentials)
  --stack <name>     implies --aws: the stack [deploy.stackName, else HaloHooks]
  --secret <id>      implies --aws: the Halo secret's name or ARN, instead of finding the stack's
  --config <file>    the config file [HALO_HOOKS_CONFIG, else halo-hooks.config.ts]
  --write-test       then create one ticket labelled "safe to delete", note it and close it
  --route <name>     the route whose fixed fields the write test uses [the first]`

export type DoctorArgs = {
  aws: boolean
  stack: string | undefined
  secret: string | undefined
  config: string | undefined
  writeTest: boolean
  route: string | undefined
  help: boolean
}

export const parseDoctorArgs = (argv: readonly string[]): DoctorArgs => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      aws: { type: 'boolean', default: false },
      stack: { type: 'string' },
      secret: { type: 'string' },
      config: { type: 'string' },
      'write-test': { type: 'boolean', default: false },
      route: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  })
  return {
    aws: values.aws || values.stack !== undefined || values.secret !== undefined,
    stack: values.stack,
    secret: values.secret,
    config: values.config,
    writeTest: values['write-test'],
    route: values.route,
    help: values.help,
  }
}

export type DoctorDeps = {
  env: NodeJS.ProcessEnv
  out: (line: string) => void
  /** Secrets Manager for `--aws`. @default a client with the user's own AWS credentials */
  secretsManager?: () => SecretsManagerClient
  /** Halo client settings over the doctor's own (tests shorten back-off and timeouts). */
  haloClient?: Partial<HaloClientOptions>
}

/** Where the doctor looks: the Halo, a description for the header, and what to stop after. */
type Resolved = { target: HaloTarget; halo: string; secrets: string; close?: () => Promise<void> }

/** A problem found before Halo is asked anything: no Halo call can be made without it fixed. */
class SetupProblem extends Error {
  constructor(readonly finding: DoctorFinding) {
    super(finding.detail)
  }
}

const setupProblem = (check: string, code: string, detail: string, fix: string) =>
  new SetupProblem({ check, status: 'problem', code, detail, fix })

const messageOf = (error: unknown) =>
  error instanceof AppError ? error.message : error instanceof Error ? error.message : String(error)

const SECRETS_FIX =
  'correct its shape: npm run secrets prints it, npm run secrets -- check <file> checks a file'

const localTarget = async (env: NodeJS.ProcessEnv): Promise<Resolved> => {
  let local: ReturnType<typeof readLocalEnv>
  try {
    local = readLocalEnv(env)
  } catch (error) {
    throw setupProblem(
      'environment',
      'environment_invalid',
      messageOf(error),
      'correct the variables it names',
    )
  }
  const secrets = localSecretStore(local)
  let target: HaloTarget | undefined
  try {
    target = await localHaloTarget(local, secrets)
  } catch (error) {
    const missing = /no Halo credentials/.test(messageOf(error))
    throw setupProblem(
      'secrets',
      missing ? 'credentials_missing' : 'secrets_invalid',
      messageOf(error),
      missing
        ? `set HALO_CLIENT_ID and HALO_CLIENT_SECRET, or fill in halo in ${secrets.origin}`
        : SECRETS_FIX,
    )
  }
  if (target) return { target, halo: `${target.url} (HALO_URL)`, secrets: secrets.origin }
  // As npm start: the built-in sandbox, with its own credentials.
  const sandbox = await startHaloSandbox()
  return {
    target: {
      url: sandbox.url,
      tenant: undefined,
      ...SANDBOX_CREDENTIALS,
      from: {
        url: 'HALO_URL',
        tenant: 'HALO_TENANT',
        clientId: 'the sandbox',
        clientSecret: 'the sandbox',
      },
    },
    halo: `built-in sandbox at ${sandbox.url} (HALO_URL is not set; npm start uses the same)`,
    secrets: 'the sandbox credentials',
    close: sandbox.close,
  }
}

const awsTarget = async (
  args: DoctorArgs,
  path: string,
  compiled: CompiledConfig,
  client: SecretsManagerClient,
): Promise<Resolved> => {
  const deploy = compiled.config.deploy
  const stack = args.stack ?? deploy?.stackName ?? 'HaloHooks'
  if (!deploy?.haloUrl) {
    throw setupProblem(
      'Halo URL',
      'halo_url_missing',
      `${path} has no deploy.haloUrl, so stack ${stack} delivers nowhere`,
      `set deploy.haloUrl (and deploy.haloTenant for hosted Halo) in ${path}, then npx cdk deploy`,
    )
  }
  let secretId: string
  let halo: { clientId: string; clientSecret: string } | undefined
  try {
    secretId =
      args.secret ?? deploy.haloSecretName ?? (await findStackSecret(client, stack, 'halo'))
    halo = (await createAwsSecretStore({ client, secretId, holds: 'halo' }).get()).halo
  } catch (error) {
    throw setupProblem(
      'secrets',
      error instanceof ConfigError && /shape|invalid|JSON/.test(error.message)
        ? 'secrets_invalid'
        : 'secret_unreadable',
      `cannot read the stack's Halo secret: ${messageOf(error)}`,
      error instanceof ConfigError && /invalid|JSON/.test(error.message)
        ? SECRETS_FIX
        : 'use AWS credentials (AWS_PROFILE, AWS_REGION) that may call secretsmanager:ListSecrets and GetSecretValue, or pass --secret <HaloSecretId output>',
    )
  }
  if (!halo) {
    throw setupProblem(
      'secrets',
      'credentials_missing',
      `secret ${secretId} has no Halo credentials yet, so deliveries wait`,
      'put halo.clientId and halo.clientSecret in it: npm run secrets -- put, or -- split after an upgrade (docs/deploy.md, "Setting secrets")',
    )
  }
  const where = `secret ${secretId}`
  return {
    target: {
      url: deploy.haloUrl,
      tenant: deploy.haloTenant,
      ...halo,
      from: {
        url: `deploy.haloUrl in ${path}`,
        tenant: `deploy.haloTenant in ${path}`,
        clientId: `halo.clientId in ${where}`,
        clientSecret: `halo.clientSecret in ${where}`,
      },
    },
    halo: `${deploy.haloUrl} (deploy.haloUrl of stack ${stack})`,
    secrets: where,
  }
}

/**
 * `npm run doctor`: checks the Halo the gateway (or, with `--aws`, the deployed stack) uses,
 * prints every check as `ok` / `problem` / `fix` lines, and resolves with the exit code: 0 when
 * everything is ok, 1 when a problem was found, 2 for a usage error. Never throws for a problem
 * of the setup: that is a finding too.
 */
export const runDoctor = async (argv: readonly string[], deps: DoctorDeps): Promise<number> => {
  const { out } = deps
  let args: DoctorArgs
  try {
    args = parseDoctorArgs(argv)
  } catch (error) {
    out(`${messageOf(error)}\n\n${USAGE}`)
    return 2
  }
  if (args.help) {
    out(USAGE)
    return 0
  }
  const path = args.config ?? configPath(deps.env)
  out('halo-hooks doctor')
  out(`  config:  ${path}`)
  let resolved: Resolved | undefined
  try {
    let compiled: CompiledConfig
    try {
      compiled = await loadConfigFile(path, importConfigModule)
    } catch (error) {
      throw setupProblem(
        'config',
        'config_invalid',
        messageOf(error),
        'npm run validate lists every problem of a config',
      )
    }
    const route = args.route ?? [...compiled.routes.keys()][0]
    if (route !== undefined && !compiled.routes.has(route)) {
      throw setupProblem(
        'route',
        'route_unknown',
        `no route "${route}" in ${path}`,
        `name one of: ${[...compiled.routes.keys()].join(', ')}`,
      )
    }
    resolved = args.aws
      ? await awsTarget(
          args,
          path,
          compiled,
          deps.secretsManager?.() ?? new SecretsManagerClient({}),
        )
      : await localTarget(deps.env)
    out(`  halo:    ${resolved.halo}`)
    out(`  secrets: ${resolved.secrets}`)
    const { target } = resolved
    const halo = createHaloClient({
      baseUrl: target.url,
      tenant: target.tenant,
      clientId: target.clientId,
      clientSecret: target.clientSecret,
      // A check should say what is wrong quickly rather than retry for long.
      maxAttempts: 2,
      ...deps.haloClient,
    })
    const report = await runHaloDoctor({
      halo,
      target,
      config: compiled,
      writeTest: args.writeTest && route !== undefined ? { route } : undefined,
    })
    for (const line of formatReport(report)) out(line)
    return report.problems > 0 ? 1 : 0
  } catch (error) {
    if (!(error instanceof SetupProblem)) throw error
    for (const line of formatFinding(error.finding)) out(line)
    out('1 problem found before Halo could be asked; nothing was written to Halo')
    return 1
  } finally {
    await resolved?.close?.()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runDoctor(process.argv.slice(2), {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
  })
    .then((code) => {
      process.exitCode = code
    })
    .catch((error: unknown) => {
      process.stderr.write(`npm run doctor failed: ${messageOf(error)}\n`)
      process.exitCode = 1
    })
}
