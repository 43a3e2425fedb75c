import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { createIngestApp } from '../../../functions/ingest/app.js'
import config from '../../../halo-hooks.config.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { silentLogger } from '../../../shared/observability.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { createAwsSecretStore } from '../../../shared/secrets/aws-secret-store.js'
import { pendingAlerts } from '../../support/envelopes.js'

const smMock = mockClient(SecretsManagerClient)
const sample = readFileSync(new URL('../../../local/samples/generic.json', import.meta.url), 'utf8')
const sign = (secret: string) =>
  `sha256=${createHmac('sha256', secret).update(sample).digest('hex')}`
const secretWith = (routes: Record<string, { current: string }>) => ({
  SecretString: JSON.stringify({ routes }),
})

/** Ingest on the real Secrets Manager adapter (its SDK client mocked), with a clock to move. */
const setup = () => {
  let clock = Date.parse('2026-12-01T07:00:00Z')
  const queue = createMemoryEventQueue()
  const secrets = createAwsSecretStore({
    client: new SecretsManagerClient({}),
    secretId: 'halo-hooks/signing',
    holds: 'routes',
    ttlMs: 900_000,
    now: () => clock,
  })
  const app = createIngestApp({
    routes: compileConfig(config).routes,
    queue,
    secrets,
    now: () => new Date(clock),
    logger: silentLogger,
  })
  const post = (signature: string) =>
    app.request('/hooks/example-hmac', {
      method: 'POST',
      body: sample,
      headers: { 'content-type': 'application/json', 'x-signature': signature },
    })
  return {
    post,
    queue,
    advance: (ms: number) => {
      clock += ms
    },
    reads: () => smMock.commandCalls(GetSecretValueCommand).length,
  }
}

beforeEach(() => {
  smMock.reset()
})

describe('ingest with a cached signing secret', () => {
  it('reads the secret again when a signature does not verify, at most once a minute', async () => {
    smMock
      .on(GetSecretValueCommand)
      .resolvesOnce(secretWith({ 'example-hmac': { current: 'old' } }))
      .resolves(secretWith({ 'example-hmac': { current: 'new' } }))
    const { post, queue, advance, reads } = setup()
    expect((await post(sign('old'))).status).toBe(202)

    // Rotated moments ago: the value held is too fresh to read again for one bad request.
    expect((await post(sign('new'))).status).toBe(401)
    expect(reads()).toBe(1)

    advance(60_001)
    expect((await post(sign('new'))).status).toBe(202)
    expect(reads()).toBe(2)

    // A flood of bad signatures reads the secret no more than that.
    for (let request = 0; request < 10; request++) {
      expect((await post(sign('forged'))).status).toBe(401)
    }
    expect(reads()).toBe(2)
    // The same delivery, accepted twice: one envelope.
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('reads a secret stored after the first request within 30 s, not the cache time', async () => {
    smMock
      .on(GetSecretValueCommand)
      .resolvesOnce(secretWith({}))
      .resolves(secretWith({ 'example-hmac': { current: 'first' } }))
    const { post, advance, reads } = setup()
    expect((await post(sign('first'))).status).toBe(500)

    advance(30_001)

    expect((await post(sign('first'))).status).toBe(202)
    expect(reads()).toBe(2)
  })
})
