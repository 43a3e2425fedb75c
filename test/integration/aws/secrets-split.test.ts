import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  ListSecretsCommand,
  PutSecretValueCommand,
  type PutSecretValueCommandInput,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import { mockClient } from 'aws-sdk-client-mock'
import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import { runSecrets } from '../../../local/secrets.js'

const SIGNING = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:SecretsSecret9A9454FE-AbCdEf'
const HALO = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:SecretsHaloSecretC0FFEE12-XyZxYz'
const CREDENTIALS = { clientId: 'halo-client-id', clientSecret: 'halo-client-secret-value' }
const ROUTES = { prometheus: { current: 'route-signing-value' } }
/** Every secret value the tests store: none may ever be printed. */
const VALUES =
  /halo-client-id|halo-client-secret-value|route-signing-value|other-secret-value|pagerduty-token-value/
const OUTBOUND = { prometheus: { apiToken: 'pagerduty-token-value' } }

const sm = mockClient(SecretsManagerClient)
/** Secrets Manager at the edge: a map of secret text by id, read and written by the commands. */
let stored: Map<string, string>
const puts = () =>
  sm
    .commandCalls(PutSecretValueCommand)
    .map((call) => call.args[0].input as PutSecretValueCommandInput)

beforeEach(() => {
  sm.reset()
  stored = new Map()
  sm.on(GetSecretValueCommand).callsFake((input: GetSecretValueCommandInput) => ({
    SecretString: stored.get(String(input.SecretId)),
  }))
  sm.on(PutSecretValueCommand).callsFake((input: PutSecretValueCommandInput) => {
    stored.set(String(input.SecretId), String(input.SecretString))
    return {}
  })
  sm.on(ListSecretsCommand).resolves({
    SecretList: [
      { ARN: SIGNING, Tags: tags('SecretsSecret9A9454FE') },
      { ARN: HALO, Tags: tags('SecretsHaloSecretC0FFEE12') },
    ],
  })
})

const tags = (logicalId: string) => [
  { Key: 'aws:cloudformation:stack-name', Value: 'HaloHooks' },
  { Key: 'aws:cloudformation:logical-id', Value: logicalId },
]

/** A stack just upgraded: the old single secret, and the new Halo secret's placeholder. */
const upgraded = () => {
  stored.set(SIGNING, JSON.stringify({ halo: CREDENTIALS, routes: ROUTES }))
  stored.set(HALO, '{}')
}

const run = async (...argv: string[]) => {
  const chunks: string[] = []
  const code = await runSecrets(argv, (chunk) => chunks.push(chunk), {}, undefined, {
    secretsManager: () => new SecretsManagerClient({}),
  })
  return { code, text: chunks.join('') }
}

describe('npm run secrets -- split', () => {
  it('plans the move by key names only, and changes nothing without --apply', async () => {
    upgraded()

    const { code, text } = await run('split')

    expect(code).toBe(0)
    expect(text).toContain(`1. Halo secret ${HALO}: set halo (clientId, clientSecret)`)
    expect(text).toContain(`2. signing secret ${SIGNING}: remove halo; keep routes prometheus`)
    expect(text).toContain('dry run: nothing was changed')
    expect(text).not.toMatch(VALUES)
    expect(puts()).toEqual([])
  })

  it('moves the Halo credentials to the Halo secret, then out of the signing secret', async () => {
    upgraded()

    const { code, text } = await run('split', '--apply')

    expect(code).toBe(0)
    expect(puts().map(({ SecretId }) => SecretId)).toEqual([HALO, SIGNING])
    expect(JSON.parse(stored.get(HALO) ?? '')).toEqual({ halo: CREDENTIALS })
    expect(JSON.parse(stored.get(SIGNING) ?? '')).toEqual({ routes: ROUTES })
    expect(text).not.toMatch(VALUES)
  })

  it('writes nothing when run again (idempotent)', async () => {
    upgraded()
    await run('split', '--apply')
    sm.resetHistory()

    const { code, text } = await run('split', '--apply')

    expect(code).toBe(0)
    expect(text).toContain('nothing to change')
    expect(puts()).toEqual([])
  })

  it('finishes a split interrupted after the Halo secret was written', async () => {
    upgraded()
    stored.set(HALO, JSON.stringify({ halo: CREDENTIALS }))

    await run('split', '--apply')

    expect(puts().map(({ SecretId }) => SecretId)).toEqual([SIGNING])
    expect(JSON.parse(stored.get(SIGNING) ?? '')).toEqual({ routes: ROUTES })
  })

  it('refuses, changing nothing, when both secrets hold different Halo credentials', async () => {
    upgraded()
    stored.set(
      HALO,
      JSON.stringify({ halo: { ...CREDENTIALS, clientSecret: 'other-secret-value' } }),
    )

    await expect(run('split', '--apply')).rejects.toThrow(/hold different Halo credentials/)
    expect(puts()).toEqual([])
  })

  it('leaves the signing secret as it was when the Halo secret does not read back the credentials', async () => {
    upgraded()
    sm.on(PutSecretValueCommand, { SecretId: HALO }).resolves({}) // accepted, but not stored

    await expect(run('split', '--apply')).rejects.toThrow(/does not read back/)
    expect(puts().map(({ SecretId }) => SecretId)).toEqual([HALO])
    expect(JSON.parse(stored.get(SIGNING) ?? '')).toEqual({ halo: CREDENTIALS, routes: ROUTES })
  })

  it('uses the secrets it is given instead of searching the stack', async () => {
    upgraded()

    await run('split', '--signing-secret', SIGNING, '--halo-secret', HALO)

    expect(sm.commandCalls(ListSecretsCommand)).toEqual([])
  })
})

describe('npm run secrets -- put <file>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'halo-hooks-secrets-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('stores each part of a local secrets file in its own secret, with --apply only', async () => {
    stored.set(SIGNING, '{"routes":{}}')
    stored.set(HALO, '{}')
    const file = join(dir, 'secrets.local.json')
    writeFileSync(file, JSON.stringify({ halo: CREDENTIALS, routes: ROUTES }))

    const dry = await run('put', file)
    expect(puts()).toEqual([])
    expect(dry.text).toContain(`signing secret ${SIGNING}: set routes prometheus (was: none)`)

    const { code, text } = await run('put', file, '--apply')

    expect(code).toBe(0)
    expect(JSON.parse(stored.get(HALO) ?? '')).toEqual({ halo: CREDENTIALS })
    expect(JSON.parse(stored.get(SIGNING) ?? '')).toEqual({ routes: ROUTES })
    expect(`${dry.text}${text}`).not.toMatch(VALUES)
  })

  it('puts resolveAtSource credentials in the Halo secret, which only deliver reads', async () => {
    stored.set(SIGNING, '{"routes":{}}')
    stored.set(HALO, '{}')
    const file = join(dir, 'secrets-outbound.local.json')
    writeFileSync(
      file,
      JSON.stringify({ halo: CREDENTIALS, resolveAtSource: OUTBOUND, routes: ROUTES }),
    )

    const { code, text } = await run('put', file, '--apply')

    expect(code).toBe(0)
    expect(text).toContain('set resolveAtSource (prometheus)')
    expect(JSON.parse(stored.get(HALO) ?? '')).toEqual({
      halo: CREDENTIALS,
      resolveAtSource: OUTBOUND,
    })
    expect(JSON.parse(stored.get(SIGNING) ?? '')).toEqual({ routes: ROUTES })
    expect(text).not.toMatch(VALUES)
  })
})
