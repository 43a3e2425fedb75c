import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import config from '../../halo-hooks.config.js'
import type { GatewayOptions } from '../../local/gateway.js'
import { signPagerDuty } from '../../local/signers/pagerduty.js'
import { createMemorySecretStore } from '../../shared/secrets/memory-secret-store.js'
import type { Secrets } from '../../shared/secrets/secret-store.js'
import { alertmanagerNotification } from '../support/alertmanager.js'
import { PROMETHEUS_TOKEN, startTestGateway } from '../support/gateway-harness.js'
import { startAlertmanagerFake } from '../support/outbound/alertmanager-fake.js'
import { startDattoRmmFake } from '../support/outbound/datto-rmm-fake.js'
import { startPagerDutyFake } from '../support/outbound/pagerduty-fake.js'
import { startStandardWebhooksReceiver } from '../support/outbound/standard-webhooks-receiver.js'

const WEBHOOK_PASSWORD = 'e2e-halo-webhook-password'
const PAGERDUTY_SIGNING_SECRET = 'e2e-pagerduty-signing-secret'
const SHOP_TOKEN = 'e2e-shop-token'
const PD_TOKEN = 'pd-e2e-token'
const INCIDENT = 'PFQZPSY' // the incident of local/samples/pagerduty.json
const DATTO_TOKEN = 'e2e-datto-token'
const DATTO_ALERT = 'fa9b26c0-3761-4927-9412-e9f4a5db38d1' // of local/samples/datto-rmm.json

type Fakes = {
  alertmanager: Awaited<ReturnType<typeof startAlertmanagerFake>>
  pagerduty: Awaited<ReturnType<typeof startPagerDutyFake>>
  receiver: Awaited<ReturnType<typeof startStandardWebhooksReceiver>>
  datto: Awaited<ReturnType<typeof startDattoRmmFake>>
}

let fakes: Fakes
let harness: Awaited<ReturnType<typeof startTestGateway>>
afterEach(async () => {
  await harness.gateway.close()
  await Promise.all(Object.values(fakes).map((fake) => fake.close()))
})

/** The shipped config, with each kind of source target on a route of its own. */
const configFor = ({ alertmanager, pagerduty, receiver, datto }: Fakes) => ({
  ...config,
  routes: {
    ...config.routes,
    prometheus: {
      ...config.routes.prometheus,
      resolveAtSource: { kind: 'alertmanager', url: alertmanager.url, silenceMinutes: 240 },
    },
    pagerduty: {
      source: 'pagerduty',
      ticket: { summary: '{% alert.title %}', client_id: 12 },
      resolveAtSource: { kind: 'pagerduty', from: 'oncall@example.com', baseUrl: pagerduty.url },
    },
    shop: {
      source: 'generic',
      auth: { type: 'bearer' },
      alert: {
        key: '{% payload.id %}',
        status: '{% payload.status %}',
        title: '{% payload.summary %}',
      },
      ticket: { summary: '{% alert.title %}', client_id: 12 },
      resolveAtSource: { kind: 'webhook', url: receiver.hookUrl },
    },
    datto: {
      source: 'datto-rmm',
      auth: { type: 'query', param: 'token' },
      ticket: { summary: '{% alert.title %}', client_id: 12 },
      resolveAtSource: { kind: 'datto-rmm', apiUrl: datto.url },
    },
  },
})

const secretsFor = ({ receiver, datto }: Fakes, pdToken = PD_TOKEN): Secrets => ({
  routes: {
    prometheus: { current: PROMETHEUS_TOKEN },
    halo: { current: WEBHOOK_PASSWORD },
    pagerduty: { current: PAGERDUTY_SIGNING_SECRET },
    shop: { current: SHOP_TOKEN },
    datto: { current: DATTO_TOKEN },
  },
  resolveAtSource: {
    pagerduty: { apiToken: pdToken },
    shop: { signingSecret: receiver.secret },
    datto: { apiKey: datto.apiKey, apiSecret: datto.apiSecret },
  },
})

const start = async (
  options: {
    pdToken?: string
    outbound?: GatewayOptions['outbound']
    deduplicationWindowMs?: number
  } = {},
) => {
  fakes = {
    alertmanager: await startAlertmanagerFake(),
    pagerduty: await startPagerDutyFake({ token: PD_TOKEN }),
    receiver: await startStandardWebhooksReceiver(),
    datto: await startDattoRmmFake(),
  }
  fakes.pagerduty.trigger(INCIDENT)
  fakes.datto.raise(DATTO_ALERT)
  const secretStore = createMemorySecretStore(secretsFor(fakes, options.pdToken))
  harness = await startTestGateway({
    config: configFor(fakes),
    secretStore,
    sandboxWebhooks: 'key-fields',
    ...(options.outbound ? { outbound: options.outbound } : {}),
    ...(options.deduplicationWindowMs === undefined
      ? {}
      : { deduplicationWindowMs: options.deduplicationWindowMs }),
  })
  return { secretStore }
}

const ALERT = { fingerprint: 'fp-loop', labels: { alertname: 'DiskFull', host: 'acme-dc01' } }

const fire = async (description = 'disk 97% full') => {
  const response = await harness.post(
    'prometheus',
    alertmanagerNotification([{ ...ALERT, status: 'firing', description }]),
  )
  expect(response.status).toBe(202)
  await harness.settled()
}

const triggerPagerDuty = async () => {
  const body = readFileSync(new URL('../../local/samples/pagerduty.json', import.meta.url), 'utf8')
  const url = new URL(`${harness.gateway.url}/hooks/pagerduty`)
  const { headers } = signPagerDuty({
    body,
    secret: PAGERDUTY_SIGNING_SECRET,
    url,
    now: new Date(),
    options: {},
  })
  const response = await fetch(url, { method: 'POST', body, headers })
  expect(response.status).toBe(202)
  await harness.settled()
}

const openShopAlert = async () => {
  const response = await harness.post(
    'shop',
    JSON.stringify({ id: 'order-sync-failed', status: 'firing', summary: 'Order sync failed' }),
    { authorization: `Bearer ${SHOP_TOKEN}` },
  )
  expect(response.status).toBe(202)
  await harness.settled()
}

const raiseDattoAlert = async () => {
  const body = readFileSync(new URL('../../local/samples/datto-rmm.json', import.meta.url), 'utf8')
  const response = await fetch(`${harness.gateway.url}/hooks/datto?token=${DATTO_TOKEN}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  })
  expect(response.status).toBe(202)
  await harness.settled()
}

/** A technician closes the problem's ticket on the sandbox board; Halo's webhooks come back. */
const closeOnBoard = async (key: string, route: string) => {
  const [ticket] = harness.ticketsOf(key, route)
  harness.sandbox.closeAsTechnician(ticket?.id as number)
  await harness.sandbox.webhooksSettled()
  await harness.settled()
  return ticket?.id as number
}

const silencePosts = () =>
  fakes.alertmanager.requests.filter((request) => request.method === 'POST')
const resolvePuts = () => fakes.pagerduty.requests.filter((request) => request.method === 'PUT')
const logLines = () => harness.logs.map((line) => JSON.parse(line) as Record<string, unknown>)

describe('resolve at source when a technician closes the ticket (sandbox → gateway → source fakes)', () => {
  it('silences the Alertmanager alert once, by its exact labels, and the next firing opens a new ticket', async () => {
    await start()
    await fire()
    const ticketId = await closeOnBoard('fp-loop', 'prometheus')

    expect(silencePosts()).toHaveLength(1)
    expect(fakes.alertmanager.silences()).toEqual([
      expect.objectContaining({
        matchers: expect.arrayContaining([
          expect.objectContaining({ name: 'alertname', value: 'DiskFull', isRegex: false }),
          expect.objectContaining({ name: 'host', value: 'acme-dc01', isRegex: false }),
        ]),
        comment: expect.stringContaining(`Halo ticket #${ticketId} was closed`),
      }),
    ])
    const record = await harness.gateway.store.get('prometheus', 'fp-loop')
    expect(record).toMatchObject({
      state: 'closed',
      sourceResolve: { event: 'closed', ticketId, outcome: 'silenced', toldAt: expect.any(String) },
    })

    harness.advance(1)
    await fire('again')
    expect(harness.ticketsOf('fp-loop').map((ticket) => ticket.status_id)).toEqual([9, 1])
    expect(silencePosts()).toHaveLength(1)
  })

  it('resolves the PagerDuty incident once, and the signed webhook is received once', async () => {
    await start()
    await triggerPagerDuty()
    await openShopAlert()

    const incidentTicket = await closeOnBoard(`pagerduty:incident:${INCIDENT}`, 'pagerduty')
    await closeOnBoard('order-sync-failed', 'shop')

    expect(resolvePuts()).toHaveLength(1)
    expect(fakes.pagerduty.incident(INCIDENT)).toMatchObject({
      status: 'resolved',
      log: [expect.stringContaining(`Halo ticket #${incidentTicket} was closed`)],
    })
    const messages = [...fakes.receiver.messages().values()]
    expect(messages).toEqual([
      expect.objectContaining({
        type: 'halo.ticket.closed',
        data: expect.objectContaining({
          alert: expect.objectContaining({ route: 'shop', key: 'order-sync-failed' }),
        }),
      }),
    ])
    expect(fakes.receiver.requests).toHaveLength(1)
  })

  it('resolves the Datto RMM alert once, with one OAuth token', async () => {
    await start()
    await raiseDattoAlert()

    await closeOnBoard(`datto-rmm:${DATTO_ALERT}`, 'datto')

    expect(fakes.datto.isResolved(DATTO_ALERT)).toBe(true)
    expect(fakes.datto.tokensIssued()).toBe(1)
    const resolves = fakes.datto.requests.filter((request) => request.path.endsWith('/resolve'))
    expect(resolves.map((request) => request.path)).toEqual([
      `/api/v2/alert/${DATTO_ALERT}/resolve`,
    ])
  })

  it('tells no source when our own close comes back from Halo', async () => {
    await start()
    await fire()
    const resolved = alertmanagerNotification([{ ...ALERT, status: 'resolved' }])
    expect((await harness.post('prometheus', resolved)).status).toBe(202)
    await harness.settled()
    await harness.sandbox.webhooksSettled()
    await harness.settled()

    expect(harness.sandbox.webhookDeliveries().length).toBeGreaterThan(0)
    expect(fakes.alertmanager.requests).toEqual([])
    const record = await harness.gateway.store.get('prometheus', 'fp-loop')
    expect(record?.state).toBe('closed')
    expect(record?.sourceResolve).toBeUndefined()
  })

  it('calls nothing again when the same Halo event is delivered again after the source was told', async () => {
    await start({ deduplicationWindowMs: 0 })
    await triggerPagerDuty()
    const [ticket] = harness.ticketsOf(`pagerduty:incident:${INCIDENT}`, 'pagerduty')
    const closing = {
      id: 'halo-delivery-close-1',
      event: 'ticket status changed',
      object_id: ticket?.id,
      timestamp: '2026-11-28T12:00:30.0000000Z',
      ticket: { id: ticket?.id, status_id: 9, closure_agent_id: 2 },
    }
    const basic = `Basic ${Buffer.from(`halo-hooks:${WEBHOOK_PASSWORD}`).toString('base64')}`

    for (const _ of [1, 2]) {
      const response = await harness.post('halo', JSON.stringify(closing), { authorization: basic })
      expect(response.status).toBe(202)
      await harness.settled()
    }

    expect(resolvePuts()).toHaveLength(1)
    const outcomes = logLines()
      .filter((line) => String(line.message).startsWith('ticket event '))
      .map(({ action, reason }) => ({ action, reason }))
    expect(outcomes).toEqual([
      {
        action: 'apply',
        reason: `closed in Halo; at the source (pagerduty): resolved ${INCIDENT}`,
      },
      { action: 'ignore', reason: 'event already applied' },
    ])
  })
})

describe('the dry run of a Halo ticket event', () => {
  it('shows the change and the call that would tell the source, and makes neither', async () => {
    await start()
    await fire()
    const [ticket] = harness.ticketsOf('fp-loop')
    const before = await harness.gateway.store.get('prometheus', 'fp-loop')
    const closing = {
      id: 'halo-delivery-dry-run',
      event: 'ticket status changed',
      object_id: ticket?.id,
      timestamp: '2026-11-28T12:00:30.0000000Z',
      ticket: { id: ticket?.id, status_id: 9, closure_agent_id: 2 },
    }

    const response = await fetch(`${harness.gateway.url}/dry-run/halo`, {
      method: 'POST',
      body: JSON.stringify(closing),
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`halo-hooks:${WEBHOOK_PASSWORD}`).toString('base64')}`,
      },
    })

    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      authenticated: true,
      plan: {
        ticketId: ticket?.id,
        owner: { route: 'prometheus', key: 'fp-loop', state: 'open' },
        change: { kind: 'apply', condition: 'closed', next: { state: 'closed' } },
        resolveAtSource: {
          route: 'prometheus',
          config: { kind: 'alertmanager', url: fakes.alertmanager.url },
          alert: { key: 'fp-loop', labels: ALERT.labels },
          ticket: { id: ticket?.id },
          change: { event: 'closed' },
        },
      },
    })
    expect(fakes.alertmanager.requests).toEqual([])
    expect(await harness.gateway.store.get('prometheus', 'fp-loop')).toEqual(before)
  })
})

describe('resolve at source when the source API fails', () => {
  it('defers a 5xx and resolves on the retry, once', async () => {
    await start()
    await triggerPagerDuty()
    fakes.pagerduty.failNext({ status: 503, body: 'busy' })

    await closeOnBoard(`pagerduty:incident:${INCIDENT}`, 'pagerduty')

    expect(resolvePuts()).toHaveLength(2)
    expect(fakes.pagerduty.incident(INCIDENT)).toMatchObject({ status: 'resolved' })
    expect(fakes.pagerduty.incident(INCIDENT)?.log).toHaveLength(1)
    expect(logLines()).toContainEqual(
      expect.objectContaining({ message: 'envelope deferred', code: 'outbound_request_failed' }),
    )
  })

  it('defers a 429 by its Retry-After, and the receiver keeps one message', async () => {
    await start()
    await openShopAlert()
    fakes.receiver.failNext({ status: 429, headers: { 'retry-after': '1' } })

    await closeOnBoard('order-sync-failed', 'shop')

    const deferred = logLines().find((line) => line.message === 'envelope deferred')
    expect(deferred).toMatchObject({ code: 'outbound_request_failed' })
    expect(deferred?.delayMs).toBeGreaterThanOrEqual(1_000)
    expect(fakes.receiver.requests).toHaveLength(2)
    // The retry carried the same webhook-id: one message however often it was sent.
    const ids = new Set(fakes.receiver.requests.map((request) => request.headers['webhook-id']))
    expect(ids.size).toBe(1)
    expect(fakes.receiver.messages().size).toBe(1)
  })

  it('parks refused credentials with the reason; once the secret is fixed, the replay resolves once', async () => {
    const { secretStore } = await start({ pdToken: 'a-revoked-token' })
    await triggerPagerDuty()

    const ticketId = await closeOnBoard(`pagerduty:incident:${INCIDENT}`, 'pagerduty')

    const [parked, ...others] = harness.gateway.queue.deadLetters()
    expect(others).toEqual([])
    expect(parked?.reason).toMatch(/^outbound_credentials_refused: /)
    const record = await harness.gateway.store.get('pagerduty', `pagerduty:incident:${INCIDENT}`)
    // The close is stored; the source is still to be told.
    expect(record).toMatchObject({ state: 'closed', sourceResolve: { ticketId } })
    expect(record?.sourceResolve?.toldAt).toBeUndefined()
    expect(fakes.pagerduty.incident(INCIDENT)?.status).toBe('triggered')

    secretStore.set(secretsFor(fakes))
    expect(harness.gateway.queue.redrive(parked?.envelope.id as string)).toBe(true)
    await harness.settled()

    expect(fakes.pagerduty.incident(INCIDENT)).toMatchObject({ status: 'resolved' })
    expect(fakes.pagerduty.incident(INCIDENT)?.log).toHaveLength(1)
    const told = await harness.gateway.store.get('pagerduty', `pagerduty:incident:${INCIDENT}`)
    expect(told?.sourceResolve).toMatchObject({ outcome: 'resolved', toldAt: expect.any(String) })
  })

  it('after a lost answer, the retry is recognised by the source and the state records it once', async () => {
    let lost = 0
    await start({
      outbound: {
        // The first resolve reaches PagerDuty, but its answer never comes back.
        fetch: async (input, init) => {
          const response = await fetch(input, init)
          if (init?.method === 'PUT' && lost++ === 0) throw new TypeError('socket hang up')
          return response
        },
      },
    })
    await triggerPagerDuty()

    await closeOnBoard(`pagerduty:incident:${INCIDENT}`, 'pagerduty')

    expect(resolvePuts()).toHaveLength(2)
    expect(fakes.pagerduty.incident(INCIDENT)?.log).toHaveLength(1)
    const record = await harness.gateway.store.get('pagerduty', `pagerduty:incident:${INCIDENT}`)
    expect(record?.sourceResolve).toMatchObject({ outcome: 'already resolved' })
  })
})
