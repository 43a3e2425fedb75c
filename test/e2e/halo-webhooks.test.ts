import { afterEach, describe, expect, it } from 'vitest'
import type { SandboxWebhook } from '../../local/halo-sandbox/sandbox-webhooks.js'
import { createMemoryCorrelationStore } from '../../shared/lifecycle/memory-correlation-store.js'
import { alertmanagerNotification } from '../support/alertmanager.js'
import { PROMETHEUS_TOKEN, startTestGateway } from '../support/gateway-harness.js'

const WEBHOOK_PASSWORD = 'e2e-halo-webhook-password'
const SECRETS = {
  routes: {
    prometheus: { current: PROMETHEUS_TOKEN },
    halo: { current: WEBHOOK_PASSWORD },
  },
}

let harness: Awaited<ReturnType<typeof startTestGateway>>
afterEach(async () => {
  await harness.gateway.close()
})

const start = (payload: NonNullable<SandboxWebhook['payload']> = 'key-fields') =>
  startTestGateway({ secrets: SECRETS, sandboxWebhooks: payload })

const send = async (...alerts: Parameters<typeof alertmanagerNotification>[0]) => {
  const response = await harness.post('prometheus', alertmanagerNotification(alerts))
  expect(response.status).toBe(202)
  await harness.settled()
}

/** Waits until the sandbox's webhooks were answered and what they queued was delivered. */
const webhooksDelivered = async () => {
  await harness.sandbox.webhooksSettled()
  await harness.settled()
}

const basic = (password: string) =>
  `Basic ${Buffer.from(`halo-hooks:${password}`).toString('base64')}`

/** Posts a body to the `halo` route as Halo would, with Basic auth. */
const postHalo = (body: unknown, password = WEBHOOK_PASSWORD) =>
  harness.post('halo', JSON.stringify(body), { authorization: basic(password) })

/** Halo requests since `from` (an index into the sandbox's request log), as `METHOD path`. */
const haloRequestsSince = (from: number) =>
  harness.sandbox
    .requests()
    .slice(from)
    .map((request) => `${request.method} ${request.path}`)

// As delivery sees it: our last write's state counts once its receipt is on record.
const record = (key: string) => harness.gateway.settled.get('prometheus', key)

const ticketEventOutcomes = async () =>
  (await harness.gateway.history.list())
    .filter((entry) => ['apply', 'confirm', 'ignore'].includes(entry.action ?? ''))
    .map(({ outcome, action, reason, ticketId }) => ({ outcome, action, reason, ticketId }))

describe('Halo webhooks back into halo-hooks (sandbox → gateway over HTTP)', () => {
  it.each(['key-fields', 'full', 'event-only'] as const)(
    'a technician close (%s payload) updates the state with 0 Halo reads, and the next firing opens a new ticket',
    async (payload) => {
      harness = await start(payload)
      const alert = { fingerprint: 'fp-tech', labels: { host: 'acme-dc01' } }
      await send({ ...alert, status: 'firing' })
      const [ticket] = harness.ticketsOf('fp-tech')
      const before = harness.sandbox.requests().length

      harness.sandbox.closeAsTechnician(ticket?.id as number)
      await webhooksDelivered()

      const after = await record('fp-tech')
      // An event-only payload has no status; its "ticket closed" event name says it.
      expect(after).toMatchObject({ state: 'closed', ticketId: ticket?.id })
      expect(haloRequestsSince(before)).toEqual([])

      harness.advance(1) // well inside recheckAfterMinutes: without the webhook this would note
      const refire = harness.sandbox.requests().length
      await send({ ...alert, status: 'firing', description: 'again' })
      const tickets = harness.ticketsOf('fp-tech')
      expect(tickets.map((t) => t.status_id)).toEqual([9, 1])
      expect(tickets[0]?.actions.filter((a) => a.note?.includes('[halo-hooks ref '))).toEqual([])
      expect(haloRequestsSince(refire)).toEqual(['POST post /api/tickets'])
    },
  )

  it('recognises our own close coming back and changes nothing', async () => {
    harness = await start('full')
    const alert = { fingerprint: 'fp-echo', labels: { host: 'acme-dc01' } }
    await send({ ...alert, status: 'firing' })
    await send({ ...alert, status: 'resolved' })
    const closed = await record('fp-echo')
    expect(closed?.state).toBe('closed')

    await webhooksDelivered()

    expect(harness.sandbox.webhookDeliveries()).toEqual([
      expect.objectContaining({ event: 'ticket status changed', status: 202 }),
      expect.objectContaining({ event: 'ticket closed', status: 202 }),
    ])
    expect(await record('fp-echo')).toEqual(closed)
    expect(await ticketEventOutcomes()).toEqual([
      expect.objectContaining({ outcome: 'suppressed', action: 'ignore' }),
      expect.objectContaining({ outcome: 'suppressed', action: 'ignore' }),
    ])
  })

  it('recognises our own close coming back as key fields (no agent, no action) by the state held', async () => {
    harness = await start('key-fields')
    const alert = { fingerprint: 'fp-echo-keys', labels: { host: 'acme-dc01' } }
    await send({ ...alert, status: 'firing' })
    await send({ ...alert, status: 'resolved' })
    const closed = await record('fp-echo-keys')
    const before = harness.sandbox.requests().length

    await webhooksDelivered()

    const after = await record('fp-echo-keys')
    const { checkedAt: _c, haloEventAt: _h, applied: _a, version: _v, ...held } = closed ?? {}
    expect(after).toMatchObject({ ...held, state: 'closed' })
    expect(haloRequestsSince(before)).toEqual([])
    // Both deliveries (status changed, closed) confirm or, sent in the same millisecond, the
    // second is no newer than the first: neither applies anything.
    const actions = (await ticketEventOutcomes()).map((entry) => entry.action)
    expect(actions).toHaveLength(2)
    expect(actions.every((action) => action === 'confirm' || action === 'ignore')).toBe(true)
  })

  it('reopens the problem when a technician reopens the ticket, so repeats are noted on it again', async () => {
    harness = await start()
    const alert = { fingerprint: 'fp-reopen', labels: { host: 'acme-dc01' } }
    await send({ ...alert, status: 'firing' })
    const [ticket] = harness.ticketsOf('fp-reopen')
    harness.sandbox.closeAsTechnician(ticket?.id as number)
    await webhooksDelivered()
    harness.advance(1)
    harness.sandbox.reopenAsTechnician(ticket?.id as number)
    await webhooksDelivered()

    expect(await record('fp-reopen')).toMatchObject({ state: 'open', ticketId: ticket?.id })
    harness.advance(61)
    await send({ ...alert, status: 'firing', description: 'still full' })
    expect(harness.ticketsOf('fp-reopen')).toHaveLength(1)
  })

  it('forgets a deleted ticket: the next firing opens a new one without asking Halo', async () => {
    harness = await start()
    const alert = { fingerprint: 'fp-deleted', labels: { host: 'acme-dc01' } }
    await send({ ...alert, status: 'firing' })
    const [ticket] = harness.ticketsOf('fp-deleted')

    const response = await postHalo({
      id: 'delivery-deleted-1',
      event: 'ticket deleted',
      object_id: ticket?.id,
      timestamp: '2026-11-28T12:00:30.0000000Z',
    })
    expect(response.status).toBe(202)
    await harness.settled()

    expect(await record('fp-deleted')).toMatchObject({ state: 'resolved' })
    expect((await record('fp-deleted'))?.ticketId).toBeUndefined()
  })

  it('keeps a ticket open when its reopen arrives before the close that came first', async () => {
    harness = await start()
    const alert = { fingerprint: 'fp-order', labels: { host: 'acme-dc01' } }
    await send({ ...alert, status: 'firing' })
    const [ticket] = harness.ticketsOf('fp-order')
    const event = (id: string, statusId: number, timestamp: string) => ({
      id,
      event: 'ticket status changed',
      object_id: ticket?.id,
      timestamp,
      ticket: { id: ticket?.id, status_id: statusId },
    })

    // Closed at 12:00:10 and reopened at 12:00:20 in Halo; the reopen is delivered first.
    await postHalo(event('reopen', 1, '2026-11-28T12:00:20.0000000Z'))
    await harness.settled()
    await postHalo(event('close', 9, '2026-11-28T12:00:10.0000000Z'))
    await harness.settled()

    expect(await record('fp-order')).toMatchObject({ state: 'open', ticketId: ticket?.id })
    expect(await ticketEventOutcomes()).toEqual([
      expect.objectContaining({
        outcome: 'suppressed',
        reason: expect.stringMatching(/older than the last event applied/),
      }),
      expect.objectContaining({ outcome: 'suppressed', action: 'confirm' }),
    ])
  })

  it('answers bad input with 401, 200 with a reason, or an ignored event; never 5xx, never a change to a problem it does not own', async () => {
    harness = await start()
    const alert = { fingerprint: 'fp-bad', labels: { host: 'acme-dc01' } }
    await send({ ...alert, status: 'firing' })
    const [ticket] = harness.ticketsOf('fp-bad')
    const stored = await record('fp-bad')
    const closing = (id: string, ticketId: unknown, statusId: unknown = 9) => ({
      id,
      event: 'ticket status changed',
      object_id: ticketId,
      ticket: { id: ticketId, status_id: statusId },
    })

    const answers = [
      await postHalo(closing('wrong-password', ticket?.id), 'not-the-password'),
      await postHalo(closing('display-id', 'INC-1001')),
      await postHalo({ event: 'client updated', object_id: 12, client: { id: 12 } }),
      await postHalo(closing('unknown-ticket', 999_999)),
      await postHalo(closing('display-status', ticket?.id, 'Closed')),
    ]
    await harness.settled()

    expect(answers.map((response) => response.status)).toEqual([401, 200, 200, 200, 202])
    expect(await answers[1]?.json()).toMatchObject({
      ignored: expect.stringMatching(/not a number/),
    })
    expect(await answers[3]?.json()).toEqual({
      accepted: 0,
      ids: [],
      ignored: 'ticket 999999 is not one halo-hooks opened; ignored',
    })
    expect(await record('fp-bad')).toEqual(stored)
    expect(await ticketEventOutcomes()).toEqual([
      expect.objectContaining({
        outcome: 'suppressed',
        ticketId: ticket?.id,
        reason: expect.stringMatching(/display value/),
      }),
    ])
  })

  it('answers 200 with the reason for a ticket no problem owns, and queues nothing and asks Halo nothing', async () => {
    harness = await start()
    const before = harness.sandbox.requests().length

    const response = await postHalo({
      id: 'a-stranger',
      event: 'ticket closed',
      object_id: 424_242,
      ticket: { id: 424_242, status_id: 9 },
    })
    await harness.settled()

    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      accepted: 0,
      ids: [],
      ignored: 'ticket 424242 is not one halo-hooks opened; ignored',
    })
    expect(harness.gateway.queue.stats()).toMatchObject({ queued: 0, inFlight: 0 })
    expect(await harness.gateway.history.list()).toEqual([])
    expect(haloRequestsSince(before)).toEqual([])
  })

  it('answers 202 and queues the event for a ticket a problem owns', async () => {
    harness = await start()
    const alert = { fingerprint: 'fp-owned', labels: { host: 'acme-dc01' } }
    await send({ ...alert, status: 'firing' })
    const [ticket] = harness.ticketsOf('fp-owned')

    const response = await postHalo({
      id: 'ours',
      event: 'ticket closed',
      object_id: ticket?.id,
      ticket: { id: ticket?.id, status_id: 9 },
    })
    await harness.settled()

    expect(response.status).toBe(202)
    expect(await response.json()).toMatchObject({ accepted: 1 })
    expect(await record('fp-owned')).toMatchObject({ state: 'closed', ticketId: ticket?.id })
  })

  it('queues a ticket event when the owner cannot be looked up at ingest, and deliver decides', async () => {
    const store = createMemoryCorrelationStore()
    let failNextLookup = false
    harness = await startTestGateway({
      secrets: SECRETS,
      sandboxWebhooks: 'key-fields',
      store: {
        ...store,
        findByTicket: async (ticketId) => {
          if (!failNextLookup) return store.findByTicket(ticketId)
          failNextLookup = false
          throw new Error('the correlation store is unavailable')
        },
      },
    })
    const alert = { fingerprint: 'fp-lookup-down', labels: { host: 'acme-dc01' } }
    await send({ ...alert, status: 'firing' })
    const [ticket] = harness.ticketsOf('fp-lookup-down')
    await webhooksDelivered()

    failNextLookup = true // ingest's lookup fails; deliver's, after it, finds the problem
    const response = await postHalo({
      id: 'lookup-down',
      event: 'ticket closed',
      object_id: ticket?.id,
      ticket: { id: ticket?.id, status_id: 9 },
    })
    await harness.settled()

    expect(response.status).toBe(202)
    expect(failNextLookup).toBe(false)
    expect(await record('fp-lookup-down')).toMatchObject({
      state: 'closed',
      ticketId: ticket?.id,
    })
  })
})
