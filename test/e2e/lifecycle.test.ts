import { afterEach, describe, expect, it } from 'vitest'
import { alertmanagerNotification } from '../support/alertmanager.js'
import { startTestGateway } from '../support/gateway-harness.js'

let harness: Awaited<ReturnType<typeof startTestGateway>>
afterEach(async () => {
  harness.sandbox.clearFaults()
  harness.sandbox.releaseHangs()
  await harness.gateway.close()
})

const send = async (...alerts: Parameters<typeof alertmanagerNotification>[0]) => {
  const response = await harness.post('prometheus', alertmanagerNotification(alerts))
  expect(response.status).toBe(202)
  await harness.settled()
}
const notes = (ticket: { actions: { note?: string }[] }) =>
  ticket.actions.filter((action) => action.note?.includes('[halo-hooks ref '))

describe('one Halo ticket per ongoing problem (Alertmanager → gateway → sandbox over HTTP)', () => {
  it('creates on firing, notes once on repeat, closes on resolve, and opens a new ticket on re-fire', async () => {
    harness = await startTestGateway()
    const host = { fingerprint: 'fp-disk', labels: { host: 'acme-dc01' } }

    await send({ ...host, status: 'firing' })
    const [created] = harness.ticketsOf('fp-disk')
    expect(created).toMatchObject({
      client_id: 12,
      site_id: 21,
      assets: [{ id: 501 }],
      status_id: 1,
    })
    expect(created?.summary).toBe('[CRITICAL] Disk full (fp-disk)')

    await send({ ...host, status: 'firing', description: 'Free space below 3%' })
    await send({ ...host, status: 'firing', description: 'Free space below 2%' }) // within the hour: counted
    const [noted] = harness.ticketsOf('fp-disk')
    expect(notes(noted as never)).toHaveLength(1)
    expect(notes(noted as never)[0]?.note).toContain('Recurred: 1 more occurrence')

    await send({ ...host, status: 'resolved' })
    const [closed] = harness.ticketsOf('fp-disk')
    expect(closed).toMatchObject({ status_id: 9, hasbeenclosed: true })
    expect(notes(closed as never).at(-1)?.note).toContain('Resolved at the source')

    await send({ ...host, status: 'firing', startsAt: '2026-11-28T13:00:00Z' })
    const tickets = harness.ticketsOf('fp-disk')
    expect(tickets.map((ticket) => ticket.status_id)).toEqual([9, 1])
    expect(tickets[1]?.details).toContain(`Previous ticket for this alert: #${closed?.id}`)
  })

  it('opens a new ticket when a technician closed the old one in Halo', async () => {
    harness = await startTestGateway()
    await send({ fingerprint: 'fp-cpu', status: 'firing', labels: { customer: 'brightwater' } })
    const [ticket] = harness.ticketsOf('fp-cpu')
    expect(ticket?.client_id).toBe(13)

    // The technician closes it in Halo, over Halo's API.
    const token = await fetch(`${harness.gateway.haloUrl}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'halo-hooks-local',
        client_secret: 'local-sandbox-secret',
      }),
    }).then(async (r) => ((await r.json()) as { access_token: string }).access_token)
    await fetch(`${harness.gateway.haloUrl}/api/Tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ id: ticket?.id, status_id: 9 }]),
    })

    harness.advance(20) // past recheckAfterMinutes: the next event asks Halo first
    await send({ fingerprint: 'fp-cpu', status: 'firing', description: 'again' })
    const tickets = harness.ticketsOf('fp-cpu')
    expect(tickets).toHaveLength(2)
    expect(tickets.map((t) => t.status_id)).toEqual([9, 1])
    expect(notes(tickets[0] as never)).toHaveLength(0) // no note landed on the closed ticket
  })

  it('parks an alert no rule routes, with the reason, and sends nothing to Halo', async () => {
    const { default: config } = await import('../../halo-hooks.config.js')
    const strict = structuredClone(config) as unknown as {
      routes: { prometheus: { tenant: { fallbackClientId?: number } } }
    }
    delete strict.routes.prometheus.tenant.fallbackClientId
    harness = await startTestGateway({ config: strict })
    await send({ fingerprint: 'fp-unknown', status: 'firing', labels: { host: 'no-such-host' } })
    expect(harness.sandbox.tickets()).toEqual([])
    expect(harness.gateway.queue.deadLetters()).toEqual([
      expect.objectContaining({
        reason: expect.stringContaining('unroutable: no Halo client for this alert'),
      }),
    ])
    expect(
      harness.logs.some(
        (line) => line.includes('"envelope parked"') && line.includes('unroutable'),
      ),
    ).toBe(true)
  })

  it('keeps Halo exactly right with Halo failures, dropped responses and every delivery sent twice', async () => {
    // Deduplication in the queue off, so every second copy reaches the worker as an SQS
    // redelivery after the 5-minute window would.
    harness = await startTestGateway({ deduplicationWindowMs: 0 })
    harness.sandbox.setFaults({
      // Scripted first, so every kind of fault happens whatever the random draws do.
      next: [
        { drop: 'reset', match: 'post /api/tickets' },
        { status: 503, match: 'post /api/actions' },
        { drop: 'reset', match: 'post /api/actions' },
        { status: 429, match: 'post /api/tickets' },
      ],
      errorRate: 0.2,
      errorStatuses: [500, 502, 503, 429],
      dropRate: 0.1,
      seed: 7,
    })
    const history: Parameters<typeof alertmanagerNotification>[0][] = [
      [
        { fingerprint: 'k1', status: 'firing' },
        { fingerprint: 'k2', status: 'firing' },
        { fingerprint: 'k3', status: 'firing' },
        { fingerprint: 'k5', status: 'firing' },
      ],
      [
        { fingerprint: 'k1', status: 'firing', description: 'worse' },
        { fingerprint: 'k4', status: 'resolved' },
        { fingerprint: 'k5', status: 'firing', description: 'again' },
      ],
      [
        { fingerprint: 'k1', status: 'resolved' },
        { fingerprint: 'k3', status: 'resolved' },
        { fingerprint: 'k5', status: 'firing', description: 'and again' },
      ],
      [
        { fingerprint: 'k3', status: 'firing', startsAt: '2026-11-28T13:00:00Z' },
        { fingerprint: 'k2', status: 'firing', description: 'still' },
        { fingerprint: 'k5', status: 'resolved' },
      ],
    ]
    for (const alerts of history) {
      const body = alertmanagerNotification(alerts)
      const [first, second] = await Promise.all([
        harness.post('prometheus', body),
        harness.post('prometheus', body),
      ])
      expect([first?.status, second?.status]).toEqual([202, 202])
      await harness.settled()
    }

    const summary = (key: string) =>
      harness
        .ticketsOf(key)
        .map((ticket) => ({ status: ticket.status_id, notes: notes(ticket).length }))
    expect(summary('k1')).toEqual([{ status: 9, notes: 2 }]) // one recurred note, one closing note
    expect(summary('k2')).toEqual([{ status: 1, notes: 1 }])
    expect(summary('k3')).toEqual([
      { status: 9, notes: 1 },
      { status: 1, notes: 0 },
    ])
    expect(summary('k4')).toEqual([])
    expect(summary('k5')).toEqual([{ status: 9, notes: 2 }]) // the third firing is only counted
    expect(harness.gateway.queue.deadLetters()).toEqual([])

    // The faults did happen: failed requests, deferred envelopes, writes that Halo committed while
    // the answer was lost (found again instead of repeated), and redeliveries recognised.
    expect(harness.sandbox.requests().some((request) => request.status >= 500)).toBe(true)
    expect(harness.logs.some((line) => line.includes('"envelope deferred"'))).toBe(true)
    expect(
      harness.logs.filter((line) => line.includes('interrupted write found in Halo')).length,
    ).toBeGreaterThanOrEqual(2)
    expect(harness.logs.some((line) => line.includes('"envelope deduplicated"'))).toBe(true)
  })
})
