import { describe, expect, it } from 'vitest'
import { HaloApiError } from '../../../shared/errors.js'
import { useHaloSandbox } from '../../support/halo/halo-sandbox-fixture.js'

describe('createHaloClient against the sandbox: tickets', () => {
  const halo = useHaloSandbox()

  it('creates a ticket and returns the saved object with its numeric id', async () => {
    const client = halo.client()

    const ticket = await client.createTicket({
      summary: 'Disk full on acme-dc01',
      details: 'C: is at 98%',
      client_id: 12,
      tickettype_id: 21,
      third_party_id_string: 'alertmanager:disk:acme-dc01',
      customfields: [{ id: 140, value: 'fp-1' }],
    })

    expect(ticket.id).toBeTypeOf('number')
    expect(ticket).toMatchObject({ summary: 'Disk full on acme-dc01', client_name: 'Acme Dental' })
    expect(halo.sandbox.tickets().map((t) => t.id)).toEqual([ticket.id])
  })

  it('reads a missing ticket as a non-retryable 404', async () => {
    const attempt = halo.client().getTicket(999_999)

    await expect(attempt).rejects.toSatisfy(
      (e) => e instanceof HaloApiError && e.status === 404 && !e.retryable,
    )
  })
})
