import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { AWS_ENV } from '../../../shared/aws-env.js'
import { parseEnv, readEnv } from '../../../shared/config/function-env.js'
import { envSchema } from '../../../shared/config/function-env-schema.js'
import { parseSettings } from '../../../shared/config/parse-settings.js'
import { ConfigError } from '../../../shared/errors.js'
import { HALO_FUNCTION_SETTINGS } from '../../../shared/function-settings.js'

// readEnv answers for envSchema at every cold start: whatever it answers must be exactly the
// schema's answer, and it must never answer an environment the schema refuses. parseEnv, which
// falls back to the schema, must then answer (or refuse, with the same issues) as the schema does.

const RULES = {
  ...HALO_FUNCTION_SETTINGS,
  [AWS_ENV.queueUrl]: { type: 'url' },
  [AWS_ENV.maxReceiveCount]: { type: 'int', min: 1, optional: true },
  [AWS_ENV.queueRetentionSeconds]: { type: 'int', min: 60, optional: true },
  [AWS_ENV.deliveryHistory]: { type: 'enum', values: ['all', 'changes'], default: 'all' },
  [AWS_ENV.reconcileMaxBudgetShare]: { type: 'number', optional: true },
} as const

/** What the stack sets, what a person might, and the edges of each rule. */
const value = fc.oneof(
  fc.constantFrom(
    'https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo',
    'https://acme.halopsa.com',
    'http://127.0.0.1:4566/000000000000/q',
    ' https://acme.halopsa.com',
    'https://acme.halopsa.com\n',
    'https://acme\t.halopsa.com',
    'http:acme',
    'not a url',
    'mailto:ops@example.com',
    '',
    ' ',
    '0',
    '1',
    '59',
    '60',
    '250',
    ' 250',
    '1e3',
    '0x10',
    '-1',
    '1.5',
    '0.25',
    '.5',
    '999999999999999999',
    'all',
    'changes',
    'ALL',
    'halo-hooks-halo',
    'state',
  ),
  fc.nat({ max: 100_000 }).map(String),
  fc.double({ min: 0, max: 10, noNaN: true }).map(String),
  fc.string({ maxLength: 12 }),
)

/** A well-formed environment, as the stack sets it, with optional values sometimes left out. */
const stackEnvironment = fc.record(
  {
    [AWS_ENV.haloSecretId]: fc.constant('halo-hooks-halo'),
    [AWS_ENV.secretCacheSeconds]: fc.nat({ max: 86_400 }).map(String),
    [AWS_ENV.tableName]: fc.constant('state'),
    [AWS_ENV.haloBaseUrl]: fc.constant('https://acme.halopsa.com'),
    [AWS_ENV.haloTenant]: fc.constant('acme'),
    [AWS_ENV.haloBudgetLimit]: fc.integer({ min: 1, max: 1000 }).map(String),
    [AWS_ENV.haloBudgetWindowSeconds]: fc.integer({ min: 1, max: 3600 }).map(String),
    [AWS_ENV.queueUrl]: fc.constant('https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo'),
    [AWS_ENV.maxReceiveCount]: fc.integer({ min: 1, max: 1000 }).map(String),
    [AWS_ENV.queueRetentionSeconds]: fc.integer({ min: 60, max: 1_209_600 }).map(String),
    [AWS_ENV.deliveryHistory]: fc.constantFrom('all', 'changes'),
    [AWS_ENV.reconcileMaxBudgetShare]: fc.constantFrom('0.25', '0.5', '1'),
  },
  {
    requiredKeys: [AWS_ENV.haloSecretId, AWS_ENV.tableName, AWS_ENV.queueUrl],
  },
)

/** A stack's environment with a few variables set to anything, or removed. */
const environment = fc
  .tuple(
    stackEnvironment,
    fc.dictionary(fc.constantFrom(...Object.keys(RULES), 'OTHER'), fc.option(value), {
      maxKeys: 3,
    }),
  )
  .map(([env, changes]) => {
    const changed: Record<string, string> = { ...env }
    for (const [name, to] of Object.entries(changes)) {
      if (to === null) delete changed[name]
      else changed[name] = to
    }
    return changed
  })

const schemaAnswer = (env: Record<string, string>) => {
  try {
    return { settings: parseSettings(envSchema(RULES), env, 'environment') }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    return { issues: error.issues }
  }
}

describe('a function environment read directly', () => {
  it('answers exactly as the schema does whenever it answers, and never for one it refuses', () => {
    let read = 0
    fc.assert(
      fc.property(fc.oneof(environment, stackEnvironment), (env) => {
        const direct = readEnv(RULES, env)
        const answer = schemaAnswer(env)
        if (direct === undefined) return
        read++
        expect(answer).toEqual({ settings: direct })
        // The same keys, none added as undefined.
        expect(Object.keys(direct).sort()).toEqual(Object.keys(answer.settings ?? {}).sort())
      }),
      { numRuns: 2_000 },
    )
    // Not a test of nothing: most generated environments were read directly.
    expect(read).toBeGreaterThan(500)
  })

  it('reads every environment the stack sets without the schema', () => {
    fc.assert(
      fc.property(stackEnvironment, (env) => {
        expect(readEnv(RULES, env)).toBeDefined()
      }),
    )
  })

  it('answers through the schema otherwise: the same settings, or the same issues', async () => {
    await fc.assert(
      fc.asyncProperty(environment, async (env) => {
        const answer = schemaAnswer(env)
        if (answer.settings) {
          await expect(parseEnv(RULES, env, 'environment')).resolves.toEqual(answer.settings)
        } else {
          const error = await parseEnv(RULES, env, 'environment').catch((caught: unknown) => caught)
          expect(error).toBeInstanceOf(ConfigError)
          expect((error as ConfigError).issues).toEqual(answer.issues)
        }
      }),
      { numRuns: 1_000 },
    )
  })

  it('names a missing variable and a bad one, never the value', async () => {
    await expect(
      parseEnv(RULES, { [AWS_ENV.queueUrl]: 'not a url', [AWS_ENV.tableName]: 'state' }, 'env'),
    ).rejects.toThrow(
      expect.objectContaining({
        issues: [
          `${AWS_ENV.haloSecretId}: Invalid input: expected string, received undefined`,
          `${AWS_ENV.queueUrl}: Invalid URL`,
        ],
      }),
    )
  })
})
