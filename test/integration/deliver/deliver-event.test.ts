import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { deliverEvent } from '../../../functions/deliver/deliver-event.js'
import config from '../../../halo-hooks.config.js'
import { startHaloSandbox } from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { classifyFailure } from '../../../shared/delivery/failure-policy.js'
import { envelopeFor } from '../../support/envelopes.js'
import { sandboxDeliverDeps } from '../../support/sandbox-deliver-deps.js'

const { routes } = compileConfig(config)
let sandbox: Awaited<ReturnType<typeof startHaloSandbox>>
const logs: string[] = []

beforeAll(async () => {
  sandbox = await startHaloSandbox({ port: 0 })
})
afterAll(async () => {
  await sandbox.close()
})
beforeEach(() => {
  sandbox.sandbox.reset()
  logs.length = 0
})

// No route here resolves at its source.
const deps = () =>
  sandboxDeliverDeps({
    url: sandbox.url,
    routes,
    now: () => new Date('2026-11-28T07:00:05Z'),
    log: (line) => logs.push(line),
  }).deps

describe('deliverEvent', () => {
  it('creates a Halo ticket from the route templates, carrying the problem identity, scoped to the route', async () => {
    const envelope = envelopeFor({
      key: 'disk-acme-dc01',
      title: 'Disk full',
      severity: 'critical',
      resource: 'acme-dc01',
      description: 'C: 3% free',
    })

    const outcome = await deliverEvent(JSON.stringify(envelope), deps())

    const [ticket] = sandbox.sandbox.tickets()
    expect(outcome).toEqual({
      outcome: 'delivered',
      envelopeId: envelope.id,
      route: 'example-hmac',
      key: 'disk-acme-dc01',
      ticketId: ticket?.id,
      action: 'create',
      routing: { clientId: 12, via: 'ticket template' },
    })
    expect(ticket).toMatchObject({
      summary: '[CRITICAL] Disk full',
      details: expect.stringContaining('Host: acme-dc01'),
      tickettype_id: 21,
      client_id: 12,
      third_party_id_string: 'hh:example-hmac:disk-acme-dc01',
    })
    expect(logs.some((line) => line.includes('"envelope delivered"'))).toBe(true)
  })

  it('refuses a message that is not an envelope, permanently', async () => {
    const attempt = deliverEvent('{"v":2}', deps())
    await expect(attempt).rejects.toSatisfy((error) => classifyFailure(error, 1).action === 'park')
    expect(sandbox.sandbox.tickets()).toEqual([])
  })

  it('refuses an envelope whose route is gone, permanently', async () => {
    const attempt = deliverEvent(envelopeFor({}, { route: 'removed-route' }), deps())
    await expect(attempt).rejects.toSatisfy(
      (error) => classifyFailure(error, 1).code === 'route_unknown',
    )
  })

  it('parks a ticket whose templates yield a wrong type, before calling Halo', async () => {
    const { routes: broken } = compileConfig({
      routes: {
        'example-hmac': {
          source: 'generic',
          auth: { type: 'bearer' },
          alert: { key: '{% payload.id %}', title: '{% payload.t %}' },
          ticket: { client_id: '{% alert.title %}' },
        },
      },
    })
    const attempt = deliverEvent(envelopeFor(), { ...deps(), routes: broken })
    await expect(attempt).rejects.toSatisfy((error) => {
      const failure = classifyFailure(error, 1)
      return failure.action === 'park' && failure.reason.includes('ticket.client_id')
    })
    expect(sandbox.sandbox.tickets()).toEqual([])
  })

  it('names the problem’s ticket when an envelope is only counted, or was applied before', async () => {
    const shared = deps()
    const first = envelopeFor({ key: 'cpu-db01', occurredAt: '2026-11-28T07:00:00.000Z' })
    const repeat = envelopeFor({ key: 'cpu-db01', occurredAt: '2026-11-28T07:01:00.000Z' })
    const again = envelopeFor({ key: 'cpu-db01', occurredAt: '2026-11-28T07:02:00.000Z' })

    const created = await deliverEvent(first, shared)
    expect(created).toMatchObject({ outcome: 'delivered', action: 'create' })
    const outcomes = [
      await deliverEvent(repeat, shared), // the first repeat: a note
      await deliverEvent(again, shared), // within the note interval: counted only
      await deliverEvent(first, shared), // a redelivery
    ]

    expect(outcomes.map(({ outcome, ticketId }) => ({ outcome, ticketId }))).toEqual([
      { outcome: 'delivered', ticketId: created.ticketId },
      { outcome: 'recorded', ticketId: created.ticketId },
      { outcome: 'deduplicated', ticketId: created.ticketId },
    ])
    expect(sandbox.sandbox.tickets()).toHaveLength(1)
  })

  it('defers when Halo answers 503', async () => {
    sandbox.sandbox.setFaults({ errorRate: 1, errorStatuses: [503] })
    const attempt = deliverEvent(envelopeFor(), deps())
    await expect(attempt).rejects.toSatisfy((error) => classifyFailure(error, 1).action === 'defer')
  })
})
