import { afterEach, describe, expect, it } from 'vitest'
import config from '../../halo-hooks.config.js'
import { alertmanagerNotification } from '../support/alertmanager.js'
import { type SandboxTicket, startTestGateway } from '../support/gateway-harness.js'

let harness: Awaited<ReturnType<typeof startTestGateway>>
afterEach(async () => {
  harness.sandbox.clearFaults()
  harness.sandbox.releaseHangs()
  await harness.gateway.close()
})

/** The shipped config with the prometheus route resolving politely. */
const politeConfig = () => {
  const polite = structuredClone(config) as unknown as {
    routes: { prometheus: { lifecycle: Record<string, unknown> } }
  }
  polite.routes.prometheus.lifecycle.resolve = 'close-if-untouched'
  return polite
}

const send = async (...alerts: Parameters<typeof alertmanagerNotification>[0]) => {
  const response = await harness.post('prometheus', alertmanagerNotification(alerts))
  expect(response.status).toBe(202)
  await harness.settled()
}

const HOST = { labels: { host: 'acme-dc01' } }

/** Fires the alert and returns the ticket it opened. */
const opened = async (fingerprint: string): Promise<SandboxTicket> => {
  await send({ ...HOST, fingerprint, status: 'firing' })
  const [ticket] = harness.ticketsOf(fingerprint)
  if (!ticket) throw new Error('no ticket was opened')
  return ticket
}

/** Halo requests made since `from`, as the sandbox logs them (`METHOD /api/path`, no query). */
const haloRequestsSince = (from: number) =>
  harness.sandbox
    .requests()
    .slice(from)
    .filter(({ path }) => path.includes('/api/'))
    .map(({ method, path }) => `${method} ${path.replace(/^.*\/api\//, '/api/')}`)

const ourNotes = (ticket: SandboxTicket | undefined) =>
  (ticket?.actions ?? []).filter((action) => action.note?.includes('[halo-hooks ref '))

describe('resolve: close-if-untouched (Alertmanager → gateway → sandbox over HTTP)', () => {
  it('closes a ticket nobody worked, after reading the ticket and its actions', async () => {
    harness = await startTestGateway({ config: politeConfig() })
    const ticket = await opened('fp-untouched')
    harness.advance(20) // past recheckAfterMinutes: the ticket read doubles as the recheck
    const before = harness.sandbox.requests().length

    await send({ ...HOST, fingerprint: 'fp-untouched', status: 'resolved' })

    const [closed] = harness.ticketsOf('fp-untouched')
    expect(closed).toMatchObject({ status_id: 9, hasbeenclosed: true })
    expect(ourNotes(closed).at(-1)?.note).toContain('Resolved at the source; closing.')
    expect(haloRequestsSince(before)).toEqual([
      `GET /api/tickets/${ticket.id}`,
      'GET /api/actions',
      'POST /api/actions',
    ])
  })

  it('waits when a read fails, and never closes without having read', async () => {
    harness = await startTestGateway({ config: politeConfig() })
    await opened('fp-read-fails')
    harness.sandbox.setFaults({
      next: [
        { status: 503, match: 'get /api/actions' },
        { status: 429, retryAfter: '0', match: 'get /api/tickets' },
      ],
    })

    await send({ ...HOST, fingerprint: 'fp-read-fails', status: 'resolved' })

    const [closed] = harness.ticketsOf('fp-read-fails')
    expect(closed).toMatchObject({ status_id: 9, hasbeenclosed: true })
    expect(ourNotes(closed)).toHaveLength(1)
    const failedReads = harness.sandbox
      .requests()
      .filter(({ status, path }) => status >= 429 && /\/api\/(actions|tickets)/.test(path))
    expect(failedReads.map(({ status }) => status).sort()).toEqual([429, 503])
  })

  it('leaves a ticket a technician added an action to open, with one private note, despite a dropped answer', async () => {
    harness = await startTestGateway({ config: politeConfig() })
    const ticket = await opened('fp-worked')
    // Sam Carter (agent 2) writes on the ticket in Halo's web UI.
    const worked = await fetch(`${harness.gateway.haloUrl}/sandbox/agent-actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        agent_id: 2,
        ticket_id: ticket.id,
        outcome: 'Private Note',
        note: 'Looking at the disk now',
      }),
    })
    expect(worked.status).toBe(200)
    // The note reaches Halo but its answer is lost: the retry must find it, not add a second.
    harness.sandbox.setFaults({ next: [{ drop: 'reset', match: 'post /api/actions' }] })

    await send({ ...HOST, fingerprint: 'fp-worked', status: 'resolved' })

    const [open] = harness.ticketsOf('fp-worked')
    expect(open?.status_id).toBe(1)
    expect(open?.hasbeenclosed).toBe(false)
    const notes = ourNotes(open)
    expect(notes).toHaveLength(1)
    expect(notes[0]?.note).toContain(
      'The source reports this resolved; left open because agent 2 (action 1) worked on it.',
    )
    expect(notes[0]).toMatchObject({ outcome: 'Private Note' })
    expect(open?.actions.every((action) => action.new_status === undefined)).toBe(true)
  })

  it('leaves a ticket a technician took open, naming them', async () => {
    harness = await startTestGateway({ config: politeConfig() })
    const ticket = await opened('fp-taken')
    const token = await fetch(`${harness.gateway.haloUrl}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'halo-hooks-local',
        client_secret: 'local-sandbox-secret',
      }),
    }).then(async (r) => ((await r.json()) as { access_token: string }).access_token)
    // Jo Nakamura (agent 3) takes the ticket.
    await fetch(`${harness.gateway.haloUrl}/api/Tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify([{ id: ticket.id, agent_id: 3 }]),
    })
    const before = harness.sandbox.requests().length

    await send({ ...HOST, fingerprint: 'fp-taken', status: 'resolved' })

    const [open] = harness.ticketsOf('fp-taken')
    expect(open?.status_id).toBe(1)
    expect(ourNotes(open).at(-1)?.note).toContain('left open because Jo Nakamura (assigned)')
    // Taken is known from the ticket alone: its actions are not read.
    expect(haloRequestsSince(before)).toEqual([
      `GET /api/tickets/${ticket.id}`,
      'POST /api/actions',
    ])
  })
})
