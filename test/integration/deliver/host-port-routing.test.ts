import { describe, expect, it } from 'vitest'
import { deliverEvent } from '../../../functions/deliver/deliver-event.js'
import { createIngestApp } from '../../../functions/ingest/app.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { classifyFailure } from '../../../shared/delivery/failure-policy.js'
import { createHaloDirectory } from '../../../shared/halo/halo-directory.js'
import { createMemoryCorrelationStore } from '../../../shared/lifecycle/memory-correlation-store.js'
import { createJsonLogger } from '../../../shared/observability.js'
import { createResolveAtSource } from '../../../shared/outbound/resolve-at-source.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'
import { alertmanagerNotification } from '../../support/alertmanager.js'
import { envelopeFor } from '../../support/envelopes.js'
import { useHaloSandbox } from '../../support/halo/halo-sandbox-fixture.js'

// A node_exporter target's `instance` label is host:port; the Halo asset holds the host name only.
// The sandbox seeds asset 501, host name `acme-dc01`, of client 12 (Acme Dental) at site 21.

const { routes } = compileConfig({
  routes: {
    nodes: {
      source: 'alertmanager',
      auth: { type: 'bearer' },
      ticket: { summary: '{% alert.title %}', details: '{% alert.description %}' },
      // No tenant map and no fallback: only the asset can route these alerts.
      tenant: { asset: 'hostname' },
    },
  },
})

const halo = useHaloSandbox()

const deps = () => {
  const client = halo.client({ maxAttempts: 1 })
  return {
    routes,
    halo: client,
    directory: createHaloDirectory(client, { ttlMs: 60_000 }),
    store: createMemoryCorrelationStore(),
    logger: createJsonLogger({ write: () => {} }),
    // No route here resolves at its source.
    resolveAtSource: createResolveAtSource({ secrets: createMemorySecretStore({ routes: {} }) }),
    now: () => new Date('2026-11-28T07:00:05Z'),
  }
}

const alertOn = (resource: string) =>
  envelopeFor(
    { key: `node-down-${resource}`, title: `Node exporter down on ${resource}`, resource },
    { route: 'nodes', source: 'alertmanager', type: 'alertmanager.alert' },
  )

describe('tenant routing by asset host name, through delivery to the Halo sandbox', () => {
  it.each(['acme-dc01:9100', 'ACME-DC01:9100'])(
    'routes an alert on %s to the client of asset acme-dc01 instead of parking it',
    async (resource) => {
      const envelope = alertOn(resource)

      const outcome = await deliverEvent(JSON.stringify(envelope), deps())

      expect(outcome).toMatchObject({
        outcome: 'delivered',
        action: 'create',
        routing: { clientId: 12, via: 'asset 501', assetId: 501, siteId: 21 },
      })
      const [ticket, ...others] = halo.sandbox.tickets()
      expect(others).toEqual([])
      expect(ticket).toMatchObject({
        client_id: 12,
        site_id: 21,
        assets: [expect.objectContaining({ id: 501 })],
        third_party_id_string: `hh:nodes:${envelope.alert.key}`,
      })
    },
  )

  it('still parks an alert on a host:port whose host no asset has', async () => {
    const attempt = deliverEvent(JSON.stringify(alertOn('ghost01.example:9100')), deps())

    await expect(attempt).rejects.toSatisfy((error) => {
      const failure = classifyFailure(error, 1)
      return failure.action === 'park' && failure.code === 'unroutable'
    })
    expect(halo.sandbox.tickets()).toEqual([])
  })
})

describe('the dry run of an alert on a host:port instance', () => {
  it('lists the asset lookup by the host name, without the port, that delivery would make', async () => {
    const app = createIngestApp({
      routes,
      queue: createMemoryEventQueue(),
      secrets: createMemorySecretStore({ routes: { nodes: { current: 'token' } } }),
      logger: createJsonLogger({ write: () => {} }),
      now: () => new Date('2026-11-28T07:00:05Z'),
      preview: { store: createMemoryCorrelationStore() },
    })
    const body = alertmanagerNotification([
      { fingerprint: 'fp-node', status: 'firing', labels: { instance: 'Acme-DC01:9100' } },
    ])

    const response = await app.request('/dry-run/nodes', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: 'Bearer token' },
    })

    expect(response.status).toBe(200)
    const result = (await response.json()) as {
      alerts: { resource?: string }[]
      plans: { lookupsNotMade?: string[] }[]
    }
    expect(result.alerts[0]?.resource).toBe('Acme-DC01:9100')
    expect(result.plans[0]?.lookupsNotMade).toEqual(['Halo asset with host name "acme-dc01"'])
  })
})
