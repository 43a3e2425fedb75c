import { describe, expect, it } from 'vitest'
import type { TicketEventEnvelope } from '../../../shared/envelope.js'
import {
  answer,
  type Body,
  createSourceHarness,
  expectRejected,
  fixtureReader,
} from '../../support/sources/source-harness.js'

const fixture = fixtureReader('halo')
const NOW = new Date('2026-11-28T09:16:00Z')

/** What Halo sends with Basic authentication: `halo-hooks` and the route's secret. */
const basic = (password = 'webhook-password', username = 'halo-hooks') => ({
  authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
})

const setup = (options?: Record<string, unknown>) => {
  const { queue, post } = createSourceHarness({
    route: {
      source: 'halo',
      auth: { type: 'basic', username: 'halo-hooks' },
      ...(options ? { options } : {}),
    },
    secret: { current: 'webhook-password' },
    now: NOW,
  })
  return {
    queue,
    post: (body: Body, headers: Record<string, string> = basic()) => post(body, { headers }),
    ticketEvents: () =>
      queue.pending().map((envelope) => {
        if (envelope.v !== 2) throw new Error('expected a ticket event')
        return (envelope satisfies TicketEventEnvelope).ticketEvent
      }),
  }
}

describe('halo source', () => {
  it('queues a ticket event with the ticket id, status and closure of a key-fields payload', async () => {
    const { post, ticketEvents } = setup()

    const response = await post(fixture('ticket-status-changed.key-fields.json'))

    expect(response.status).toBe(202)
    expect(ticketEvents()).toEqual([
      {
        ticketId: 1001,
        event: 'ticket status changed',
        occurredAt: '2026-11-28T09:15:42.123Z',
        statusId: 9,
        hasBeenClosed: true,
      },
    ])
  })

  it('reads the closing agent, the close time and the action of a full-object payload', async () => {
    const { post, ticketEvents } = setup()

    await post(fixture('ticket-closed.full-object.json'))

    expect(ticketEvents()).toEqual([
      {
        ticketId: 1001,
        event: 'ticket closed',
        implies: 'closed',
        occurredAt: '2026-11-28T09:15:42.123Z',
        statusId: 9,
        statusName: 'Closed',
        hasBeenClosed: true,
        closedAt: '2026-11-28T09:15:41.900Z',
        agentId: 4,
      },
    ])
  })

  it('marks an action that carries our reference as our own', async () => {
    const { post, ticketEvents } = setup()
    const body = JSON.parse(fixture('ticket-closed.full-object.json'))
    body.action.note = 'Resolved at the source; closing.\n\n[halo-hooks ref abc123]'

    await post(JSON.stringify(body))

    expect(ticketEvents()[0]?.ourReference).toBe(true)
  })

  it('reads a deletion from the event name of an event-only payload', async () => {
    const { post, ticketEvents } = setup()

    await post(fixture('ticket-deleted.event-only.json'))

    expect(ticketEvents()).toEqual([
      expect.objectContaining({ ticketId: 1001, implies: 'deleted', event: 'ticket deleted' }),
    ])
  })

  it('reads a custom payload that puts ticket_id and status_id at the top level', async () => {
    const { post, ticketEvents } = setup()

    await post(fixture('custom.ticket-id-status.json'))

    expect(ticketEvents()).toEqual([{ ticketId: 1001, occurredAt: NOW.toISOString(), statusId: 9 }])
  })

  it('keeps a status sent as a display value as a name only, never as an id', async () => {
    const { post, ticketEvents } = setup()

    await post(fixture('ticket-status-changed.display-values.json'))

    const [event] = ticketEvents()
    expect(event).toMatchObject({ ticketId: 1001, statusName: 'Closed' })
    expect(event).not.toHaveProperty('statusId')
  })

  it('ignores, with 200 and a reason, a ticket id sent as a display value', async () => {
    const { post, queue } = setup()
    const body = JSON.parse(fixture('ticket-status-changed.display-values.json'))
    body.object_id = 'INC-1001'
    body.ticket.id = 'INC-1001'

    const response = await post(JSON.stringify(body))

    expect(response.status).toBe(200)
    expect((await answer(response)).ignored).toMatch(/not a number/)
    expect(queue.pending()).toEqual([])
  })

  it('ignores, with 200 and a reason, an event about something other than a ticket', async () => {
    const { post, queue } = setup()

    const response = await post(fixture('client-updated.key-fields.json'))

    expect(response.status).toBe(200)
    expect((await answer(response)).ignored).toMatch(/not a ticket event \(client updated\)/)
    expect(queue.pending()).toEqual([])
  })

  it('refuses a wrong Basic password with 401 and queues nothing', async () => {
    const { post, queue } = setup()

    const response = await post(fixture('ticket-closed.full-object.json'), basic('wrong'))

    await expectRejected(response, queue, 401, 'auth_invalid')
  })

  it('refuses a delivery without credentials with 401', async () => {
    const { post, queue } = setup()

    const response = await post(fixture('ticket-closed.full-object.json'), {})

    await expectRejected(response, queue, 401, 'signature_missing')
  })

  it('gives a redelivery of the same Halo delivery the same envelope id', async () => {
    const { post, queue } = setup()
    const body = fixture('ticket-status-changed.key-fields.json')

    await post(body)
    await post(body)

    const ids = queue.pending().map((envelope) => envelope.id)
    expect(new Set(ids).size).toBe(1)
  })

  it('refuses a body that is not JSON with 400, never a 5xx', async () => {
    const { post, queue } = setup()

    await expectRejected(await post('ticket 1001 closed'), queue, 400)
  })
})
