import { describe, expect, it } from 'vitest'
import {
  HaloActionSchema,
  HaloTicketInputSchema,
  HaloTicketSchema,
} from '../../../shared/halo/schemas.js'

describe('Halo read schemas', () => {
  it('pass unknown fields through untouched', () => {
    const ticket = HaloTicketSchema.parse({ id: 1, summary: 's', ninja_alert_id: 'x', sla_id: 3 })

    expect(ticket).toMatchObject({ ninja_alert_id: 'x', sla_id: 3 })
  })

  it('accept null for fields Halo has no value for', () => {
    expect(
      HaloTicketSchema.parse({ id: 1, client_id: null, dateclosed: null }).client_id,
    ).toBeNull()
  })

  it('read numeric strings as integers, but never null or junk as an id', () => {
    expect(HaloActionSchema.parse({ id: '2', ticket_id: '1001' })).toMatchObject({
      id: 2,
      ticket_id: 1001,
    })
    expect(HaloTicketSchema.safeParse({ id: null }).success).toBe(false)
    expect(HaloTicketSchema.safeParse({ id: 'abc' }).success).toBe(false)
    expect(HaloTicketSchema.safeParse({}).success).toBe(false)
  })
})

describe('HaloTicketInputSchema', () => {
  it('requires a summary and integer ids, and passes unknown fields through', () => {
    expect(HaloTicketInputSchema.safeParse({ client_id: 12 }).success).toBe(false)
    expect(HaloTicketInputSchema.safeParse({ summary: 's', client_id: 12.5 }).success).toBe(false)
    expect(
      HaloTicketInputSchema.parse({
        summary: 's',
        customfields: [{ id: 140, value: 'x' }],
        _novalidate: true,
      }),
    ).toMatchObject({ _novalidate: true, customfields: [{ id: 140, value: 'x' }] })
  })
})
