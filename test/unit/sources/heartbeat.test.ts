import { describe, expect, it } from 'vitest'
import { createIngestApp } from '../../../functions/ingest/app.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { ConfigError } from '../../../shared/errors.js'
import { createJsonLogger } from '../../../shared/observability.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'
import { pendingAlerts } from '../../support/envelopes.js'
import {
  createSourceHarness,
  expectRejected,
  fixtureReader,
} from '../../support/sources/source-harness.js'

const PING = fixtureReader('heartbeat')('ping.json')
const NOW = new Date('2026-11-28T08:00:00Z')

const ROUTE = {
  source: 'heartbeat',
  auth: { type: 'query', param: 'token' },
  heartbeat: { expectEveryMinutes: 60 },
}

const setup = () => {
  const harness = createSourceHarness({ route: ROUTE, secret: { current: 'secret' }, now: NOW })
  return {
    ...harness,
    get: (query: string) => harness.app.request(`/hooks/r?${query}`, { method: 'GET' }),
  }
}

describe('heartbeat source', () => {
  it('queues a ping as a firing alert keyed by the ping key, with its name and tenant hints', async () => {
    const { post, queue } = setup()

    const response = await post(PING, { query: '?token=secret' })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)).toEqual([
      expect.objectContaining({
        source: 'heartbeat',
        type: 'heartbeat.ping',
        receivedAt: NOW.toISOString(),
        alert: expect.objectContaining({
          key: 'backup-acme-nas01',
          status: 'firing',
          severity: 'info',
          title: 'Nightly backup of nas01',
          description: 'Backup finished: 41 GB in 37 min',
          resource: 'nas01',
          tenant: { name: 'Acme Dental' },
          occurredAt: '2026-11-28T07:00:00.000Z',
        }),
      }),
    ])
  })

  it('takes a ping as a GET with the key in the query string (a URL in a cron entry)', async () => {
    const { get, queue } = setup()

    const response = await get('token=secret&key=cron-nightly&name=Nightly%20cron')

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      key: 'cron-nightly',
      title: 'Nightly cron',
    })
  })

  it('takes a form body, as `curl -d key=...` sends it', async () => {
    const { post, queue } = setup()

    const response = await post('key=nas01', {
      query: '?token=secret',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })

    expect(response.status).toBe(202)
    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({ key: 'nas01', title: 'nas01' })
  })

  it('gives the same body received at two times two envelope ids: each is a ping', async () => {
    const queue = createMemoryEventQueue()
    let now = NOW
    const app = createIngestApp({
      routes: compileConfig({ routes: { r: ROUTE } }).routes,
      queue,
      secrets: createMemorySecretStore({ routes: { r: { current: 'secret' } } }),
      logger: createJsonLogger({ write: () => {} }),
      now: () => now,
    })
    const post = () => app.request('/hooks/r?token=secret', { method: 'POST', body: PING })

    await post()
    await post() // a resend at the same instant is the same ping: the queue drops it
    now = new Date(NOW.getTime() + 60_000)
    await post()

    const ids = pendingAlerts(queue).map((envelope) => envelope.id)
    expect(new Set(ids).size).toBe(2)
    expect(pendingAlerts(queue).map((envelope) => envelope.receivedAt)).toEqual([
      NOW.toISOString(),
      '2026-11-28T08:01:00.000Z',
    ])
  })

  it('takes the sender id of a ping when it sends one', async () => {
    const { post, queue } = setup()

    await post(JSON.stringify({ key: 'nas01', id: 'run-2' }), { query: '?token=secret' })

    expect(pendingAlerts(queue)[0]?.deliveryId).toBe('run-2')
  })

  it('explains a ping in the dry run: no Halo call, and when the key is next due', async () => {
    const { app } = setup()

    // A sender clock years ahead moves nothing: the deadline counts from when it was received.
    const response = await app.request('/dry-run/r?token=secret', {
      method: 'POST',
      body: '{"key":"nas01","timestamp":"2030-01-01T00:00:00Z"}',
    })

    expect(await response.json()).toMatchObject({
      authenticated: true,
      plans: [
        {
          key: 'nas01',
          decision: { kind: 'ping', heartbeat: { deadline: '2026-11-28T09:06:00.000Z' } },
          calls: [],
          dueAtAfter: '2026-11-28T09:06:00.000Z',
        },
      ],
    })
  })

  it('refuses a ping without a key (422) and one without the token (401)', async () => {
    const { post, queue } = setup()

    await expectRejected(
      await post('{"name":"x"}', { query: '?token=secret' }),
      queue,
      422,
      'payload_invalid',
    )
    await expectRejected(await post(PING), queue, 401)
  })

  it('refuses a GET on a route whose sender posts', async () => {
    const { app } = createSourceHarness({
      route: { source: 'generic', auth: { type: 'bearer' }, alert: { key: 'k', title: 't' } },
      secret: { current: 'secret' },
      now: NOW,
    })

    const response = await app.request('/hooks/r', { method: 'GET' })

    expect(response.status).toBe(405)
  })

  it('fails validation, naming the fix, on a route without a heartbeat policy', () => {
    const compile = () =>
      compileConfig({
        routes: { r: { source: 'heartbeat', auth: { type: 'query', param: 'token' } } },
      })

    expect(compile).toThrow(ConfigError)
    try {
      compile()
    } catch (error) {
      expect((error as ConfigError).issues).toEqual([
        expect.stringMatching(/^routes\.r\.heartbeat: required: .*expectEveryMinutes: 60/),
      ])
    }
  })
})
