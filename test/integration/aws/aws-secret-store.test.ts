import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { ConfigError, SecretUnavailableError } from '../../../shared/errors.js'
import { createAwsSecretStore } from '../../../shared/secrets/aws-secret-store.js'
import type { SecretPart } from '../../../shared/secrets/secret-store.js'

const smMock = mockClient(SecretsManagerClient)

const V1 = {
  halo: { clientId: 'id', clientSecret: 'halo-secret-1' },
  routes: { a: { current: 's1' } },
}
const V2 = { routes: { a: { current: 's2', previous: 's1' } } }

beforeEach(() => {
  smMock.reset()
})

const setup = (ttlMs = 60_000, holds?: SecretPart) => {
  let clock = 1_000
  const lines: Array<{ message: string; fields?: Record<string, unknown> }> = []
  const log = (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields })
  const store = createAwsSecretStore({
    client: new SecretsManagerClient({}),
    secretId: 'halo-hooks/secrets',
    ...(holds ? { holds } : {}),
    ttlMs,
    retryAfterMs: 5_000,
    now: () => clock,
    logger: { debug: log, info: log, warn: log, error: log },
  })
  return {
    store,
    lines,
    advance: (ms: number) => {
      clock += ms
    },
  }
}

describe('createAwsSecretStore', () => {
  it('reads and validates the secret by its id', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(V1) })
    const { store } = setup()

    expect(await store.get()).toEqual(V1)
    expect(smMock.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'halo-hooks/secrets',
    })
  })

  it('shares one read between concurrent callers and within the TTL', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(V1) })
    const { store, advance } = setup()

    await Promise.all(Array.from({ length: 10 }, () => store.get()))
    advance(59_000)
    await store.get()

    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(1)
  })

  it('reads again before the TTL only for a caller that needs a fresher value, and at most once per that age', async () => {
    smMock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify(V1) })
      .resolves({ SecretString: JSON.stringify(V2) })
    const { store, advance } = setup()
    await store.get()

    advance(20_000)
    expect(await store.get({ maxAgeMs: 30_000 })).toEqual(V1)
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(1)

    advance(10_001)
    expect(await store.get({ maxAgeMs: 30_000 })).toEqual(V2)
    expect(await store.get({ maxAgeMs: 30_000 })).toEqual(V2)
    expect(await store.get()).toEqual(V2)
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(2)
  })

  it('picks up a rotated secret after the TTL, without a restart', async () => {
    smMock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify(V1) })
      .resolves({ SecretString: JSON.stringify(V2) })
    const { store, advance } = setup()
    await store.get()

    advance(60_001)

    expect(await store.get()).toEqual(V2)
  })

  it('keeps the last good value through an outage, logging no secret value', async () => {
    smMock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify(V1) })
      .rejects(Object.assign(new Error('boom'), { name: 'InternalServiceError' }))
    const { store, advance, lines } = setup()
    await store.get()
    advance(60_001)

    expect(await store.get()).toEqual(V1)
    expect(lines.map((line) => line.message)).toEqual([
      'secret read failed; using the last good value',
    ])
    expect(JSON.stringify(lines)).not.toMatch(/halo-secret-1|"s1"/)
  })

  it('waits before asking an unavailable Secrets Manager again', async () => {
    smMock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify(V1) })
      .rejects(new Error('boom'))
    const { store, advance } = setup()
    await store.get()
    advance(60_001)
    await store.get()

    advance(4_000)
    await store.get()
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(2)
    advance(2_000)
    await store.get()
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(3)
  })

  it('keeps the last good value when the secret is edited into an invalid shape', async () => {
    smMock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify(V1) })
      .resolves({ SecretString: JSON.stringify({ routes: { a: { current: '' } } }) })
    const { store, advance } = setup()
    await store.get()
    advance(60_001)

    expect(await store.get()).toEqual(V1)
  })

  it('throws a retryable SecretUnavailableError on an outage with nothing cached, then retries', async () => {
    smMock
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('timeout'))
      .resolves({ SecretString: JSON.stringify(V1) })
    const { store, advance } = setup()

    await expect(store.get()).rejects.toSatisfy(
      (error) => error instanceof SecretUnavailableError && error.retryable,
    )
    // Within the retry pause the failure is repeated without another read.
    await expect(store.get()).rejects.toBeInstanceOf(SecretUnavailableError)
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(1)
    advance(5_000)
    expect(await store.get()).toEqual(V1)
  })

  it('throws ConfigError naming keys, not values, when the secret has the wrong shape', async () => {
    smMock.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({ routes: { a: { current: 'x', extra: 'leak' } } }),
    })
    const { store } = setup()

    const error = await store.get().catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toContain('routes.a')
    expect((error as ConfigError).message).not.toContain('leak')
  })

  it('throws ConfigError when the secret does not exist', async () => {
    smMock
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'not found', $metadata: {} }))
    const { store } = setup()

    await expect(store.get()).rejects.toBeInstanceOf(ConfigError)
  })
})

describe('createAwsSecretStore on one part of the secrets (two secrets in AWS)', () => {
  it.each([
    ['routes', { routes: V1.routes }, 'halo'],
    ['halo', { halo: V1.halo, routes: {} }, 'routes'],
  ] as const)(
    'keeps only the %s part of a secret still holding both, and says to split it (no values)',
    async (holds, kept, stray) => {
      smMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(V1) })
      const { store, lines } = setup(60_000, holds)

      expect(await store.get()).toEqual(kept)
      expect(lines).toEqual([
        {
          message: 'secret holds a part another function reads; split it',
          fields: expect.objectContaining({ secret: 'halo-hooks/secrets', holds, stray }),
        },
      ])
      expect(JSON.stringify(lines)).not.toMatch(/halo-secret-1|"s1"/)
    },
  )

  it('reads a split secret quietly', async () => {
    smMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ halo: V1.halo }) })
    const { store, lines } = setup(60_000, 'halo')

    expect(await store.get()).toEqual({ halo: V1.halo, routes: {} })
    expect(lines).toEqual([])
  })
})
