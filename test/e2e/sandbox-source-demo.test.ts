import { afterEach, describe, expect, it } from 'vitest'
import config from '../../halo-hooks.config.js'
import type { GatewayOptions } from '../../local/gateway.js'
import type { SourceReceipt } from '../../local/halo-sandbox/source-receiver.js'
import type { Secrets } from '../../shared/secrets/secret-store.js'
import { alertmanagerNotification } from '../support/alertmanager.js'
import { PROMETHEUS_TOKEN, startTestGateway } from '../support/gateway-harness.js'
import { startStandardWebhooksReceiver } from '../support/outbound/standard-webhooks-receiver.js'

const WEBHOOK_PASSWORD = 'e2e-halo-webhook-password'
const ALERT = { fingerprint: 'fp-demo', labels: { alertname: 'DiskFull', host: 'acme-dc01' } }

const SECRETS: Secrets = {
  routes: { prometheus: { current: PROMETHEUS_TOKEN }, halo: { current: WEBHOOK_PASSWORD } },
}

let harness: Awaited<ReturnType<typeof startTestGateway>>
let ownReceiver: Awaited<ReturnType<typeof startStandardWebhooksReceiver>> | undefined
afterEach(async () => {
  await harness.gateway.close()
  await ownReceiver?.close()
  ownReceiver = undefined
})

const start = (sandboxSource: GatewayOptions['sandboxSource'], options = {}) =>
  startTestGateway({ secrets: SECRETS, sandboxWebhooks: 'key-fields', sandboxSource, ...options })

const fire = async (description: string) => {
  const response = await harness.post(
    'prometheus',
    alertmanagerNotification([{ ...ALERT, status: 'firing', description }]),
  )
  expect(response.status).toBe(202)
  await harness.settled()
}

/** Closes the problem's only ticket as a technician on the board; Halo's webhooks come back. */
const closeOnBoard = async () => {
  const [ticket] = harness.ticketsOf(ALERT.fingerprint)
  const ticketId = ticket?.id as number
  harness.sandbox.closeAsTechnician(ticketId)
  await harness.sandbox.webhooksSettled()
  await harness.settled()
  return ticketId
}

/** The sandbox's source receiver as anyone sees it: over HTTP. */
const sourceReceiver = async () => {
  const response = await fetch(`${harness.gateway.url}/halo/sandbox/source-receiver`)
  expect(response.status).toBe(200)
  return (await response.json()) as {
    configured: boolean
    receipts: SourceReceipt[]
    rejected: number
  }
}

describe('the sandbox source demo (npm start with the built-in sandbox)', () => {
  it('resolves the alert at the sandbox source once when a technician closes its ticket, and the next firing opens a new ticket with no GET of the old one', async () => {
    harness = await start('on')
    await fire('disk 97% full')
    const before = harness.sandbox.requests().length

    const ticketId = await closeOnBoard()

    const received = await sourceReceiver()
    expect(received).toEqual({
      configured: true,
      receipts: [
        expect.objectContaining({
          type: 'halo.ticket.closed',
          ticketId,
          route: 'prometheus',
          alertKey: ALERT.fingerprint,
          repeats: 0,
        }),
      ],
      rejected: 0,
    })
    expect(await harness.gateway.store.get('prometheus', ALERT.fingerprint)).toMatchObject({
      state: 'closed',
      sourceResolve: {
        ticketId,
        outcome: 'notified',
        reference: received.receipts[0]?.webhookId,
        toldAt: expect.any(String),
      },
    })
    const board = await (await fetch(`${harness.gateway.url}/halo/`)).text()
    expect(board).toContain('Resolved at the source')
    expect(board).toContain(`ticket #${ticketId}`)

    harness.advance(1) // inside recheckAfterMinutes: the close is known without asking Halo
    await fire('again')

    expect(harness.ticketsOf(ALERT.fingerprint).map((ticket) => ticket.status_id)).toEqual([9, 1])
    // From the close on, Halo was asked for nothing but the new ticket: no GET of the old one.
    const haloRequests = harness.sandbox.requests().slice(before)
    expect(haloRequests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST post /api/tickets',
    ])
    expect((await sourceReceiver()).receipts).toHaveLength(1)
  })

  it('shows the demo target in the dry run of a Halo close', async () => {
    harness = await start('on')
    await fire('disk 97% full')
    const [ticket] = harness.ticketsOf(ALERT.fingerprint)

    const response = await fetch(`${harness.gateway.url}/dry-run/halo`, {
      method: 'POST',
      body: JSON.stringify({
        id: 'halo-delivery-dry-run',
        event: 'ticket status changed',
        object_id: ticket?.id,
        timestamp: '2026-11-28T12:00:30.0000000Z',
        ticket: { id: ticket?.id, status_id: 9, closure_agent_id: 2 },
      }),
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`halo-hooks:${WEBHOOK_PASSWORD}`).toString('base64')}`,
      },
    })

    expect(await response.json()).toMatchObject({
      plan: {
        resolveAtSource: {
          route: 'prometheus',
          config: {
            kind: 'webhook',
            url: `${harness.gateway.url}/halo/sandbox/source-receiver`,
          },
        },
      },
    })
    expect((await sourceReceiver()).receipts).toEqual([])
  })

  it("leaves a route's own resolveAtSource as it is", async () => {
    ownReceiver = await startStandardWebhooksReceiver()
    harness = await start('on', {
      config: {
        ...config,
        routes: {
          ...config.routes,
          prometheus: {
            ...config.routes.prometheus,
            resolveAtSource: { kind: 'webhook', url: ownReceiver.hookUrl },
          },
        },
      },
      secrets: {
        ...SECRETS,
        resolveAtSource: { prometheus: { signingSecret: ownReceiver.secret } },
      },
    })
    await fire('disk 97% full')

    await closeOnBoard()

    expect(ownReceiver.messages().size).toBe(1)
    expect(await sourceReceiver()).toMatchObject({ receipts: [], rejected: 0 })
  })

  it('sends nothing to the source when the demo is off', async () => {
    harness = await start('off')
    await fire('disk 97% full')

    await closeOnBoard()

    expect(await sourceReceiver()).toEqual({ configured: false, receipts: [], rejected: 0 })
    const record = await harness.gateway.store.get('prometheus', ALERT.fingerprint)
    expect(record?.state).toBe('closed')
    expect(record?.sourceResolve).toBeUndefined()
    expect(harness.gateway.sourceReceiver).toBeUndefined()
  })
})
