import { describe, expect, it } from 'vitest'
import { EnvelopeSchema } from '../../../shared/envelope-schema.js'
import { reconcileEnvelope } from '../../../shared/reconcile/reconcile-envelope.js'

const open = {
  route: 'prometheus',
  key: 'fp-1',
  ticketId: 42,
  checkedAt: '2026-01-01T00:00:00.000Z',
}
const readAt = new Date('2026-01-02T03:04:05.678Z')

describe('reconcileEnvelope', () => {
  it('describes a closed ticket as read, with the time Halo closed it', () => {
    const envelope = reconcileEnvelope(
      open,
      { id: 42, status_id: 9, hasbeenclosed: true, dateclosed: '2026-01-02T01:00:00.1234567' },
      readAt,
    )

    expect(EnvelopeSchema.parse(envelope)).toEqual(envelope)
    expect(envelope).toEqual({
      v: 2,
      id: `sweep-42-${readAt.getTime()}`,
      route: 'prometheus',
      source: 'reconcile',
      type: 'halo.ticket.reconciled',
      receivedAt: '2026-01-02T03:04:05.678Z',
      ticketEvent: {
        ticketId: 42,
        event: 'reconcile sweep',
        occurredAt: '2026-01-02T03:04:05.678Z',
        statusId: 9,
        hasBeenClosed: true,
        closedAt: '2026-01-02T01:00:00.123Z',
      },
    })
  })

  it("leaves out what the ticket does not say (Halo's 1900 for no close date)", () => {
    const { ticketEvent } = reconcileEnvelope(
      open,
      { id: 42, status_id: 1, dateclosed: '1900-01-01T00:00:00' },
      readAt,
    )
    expect(ticketEvent).toEqual({
      ticketId: 42,
      event: 'reconcile sweep',
      occurredAt: readAt.toISOString(),
      statusId: 1,
    })
  })

  it('describes a ticket Halo no longer has as deleted', () => {
    expect(reconcileEnvelope(open, undefined, readAt).ticketEvent).toEqual({
      ticketId: 42,
      event: 'reconcile sweep',
      implies: 'deleted',
      occurredAt: readAt.toISOString(),
    })
  })
})
