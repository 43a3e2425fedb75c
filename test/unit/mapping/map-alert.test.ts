import { describe, expect, it } from 'vitest'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { PayloadError } from '../../../shared/errors.js'
import { contactHints, mapTicket } from '../../../shared/mapping/map-alert.js'
import { envelopeFor } from '../../support/envelopes.js'

const routeWith = (fields: Record<string, unknown>) => {
  const { routes } = compileConfig({
    routes: {
      r: {
        source: 'generic',
        auth: { type: 'bearer' },
        alert: { key: '{% payload.id %}', title: '{% payload.t %}' },
        ...fields,
      },
    },
  })
  return routes.get('r') as NonNullable<ReturnType<typeof routes.get>>
}

describe('mapTicket', () => {
  it('defaults the summary and details to the alert and carries the route-scoped identity in third_party_id_string', async () => {
    const ticket = await mapTicket(
      routeWith({}),
      envelopeFor({ key: 'k1', title: 'T', description: 'D' }),
    )
    expect(ticket).toEqual({ summary: 'T', details: 'D', third_party_id_string: 'hh:r:k1' })
  })

  it('maps values through route tables with $lookup, and leaves out what the table lacks', async () => {
    const route = routeWith({
      maps: { priority: { critical: 1, high: 2 }, team: { db: 'Database Team' } },
      ticket: {
        priority_id: '{% $lookup(maps.priority, alert.severity) %}',
        team: '{% $lookup(maps.team, alert.labels.service) %}',
      },
    })
    expect(
      await mapTicket(route, envelopeFor({ severity: 'high', labels: { service: 'db' } })),
    ).toMatchObject({
      priority_id: 2,
      team: 'Database Team',
    })
    const unmapped = await mapTicket(route, envelopeFor({ severity: 'low', labels: {} }))
    expect(unmapped).not.toHaveProperty('priority_id')
    expect(unmapped).not.toHaveProperty('team')
  })

  it('renders custom fields and reaches into the sender payload', async () => {
    const route = routeWith({
      ticket: {
        customfields: [{ id: 145, value: '{% payload.device.serial %}' }],
        tickettype_id: 21,
      },
    })
    const envelope = { ...envelopeFor(), raw: { device: { serial: 'SN-1234' } } }
    expect(await mapTicket(route, envelope)).toMatchObject({
      customfields: [{ id: 145, value: 'SN-1234' }],
      tickettype_id: 21,
    })
  })

  it('passes Halo fields it does not model through unchanged', async () => {
    const route = routeWith({ ticket: { donotapplytemplateintheapi: true, impact: 2 } })
    expect(await mapTicket(route, envelopeFor())).toMatchObject({
      donotapplytemplateintheapi: true,
      impact: 2,
    })
  })

  it.each([
    [{ client_id: '{% alert.title %}' }, 'ticket.client_id'],
    [{ summary: '{% 42 %}' }, 'ticket.summary'],
    [{ customfields: [{ value: 1 }] }, 'ticket.customfields.0.id'],
  ])(
    'refuses a ticket whose templates yield the wrong type (%o), naming the field',
    async (ticket, field) => {
      await expect(mapTicket(routeWith({ ticket }), envelopeFor())).rejects.toSatisfy(
        (error) =>
          error instanceof PayloadError && error.issues.some((issue) => issue.startsWith(field)),
      )
    },
  )

  it('refuses a template that fails on this alert, naming route and field', async () => {
    const route = routeWith({ ticket: { details: '{% $number(alert.title) %}' } })
    await expect(mapTicket(route, envelopeFor({ title: 'not a number' }))).rejects.toSatisfy(
      (error) =>
        error instanceof PayloadError &&
        error.message.includes('route r') &&
        error.message.includes('ticket.details'),
    )
  })
})

describe('ticket size', () => {
  it('cuts very long details, saying how much was left out', async () => {
    const ticket = await mapTicket(
      routeWith({}),
      envelopeFor({ key: 'k1', title: 'T', description: 'x'.repeat(40_000) }),
    )
    expect(ticket.details?.length).toBeLessThan(32_100)
    expect(ticket.details).toMatch(/\[8000 more characters left out\]$/)
  })
})

describe('contactHints', () => {
  const contact = (fields: object) =>
    routeWith({ tenant: { fallbackClientId: 1, contact: fields } })

  it('renders the e-mail and name templates over the alert, trimmed', async () => {
    const route = contact({ email: '{% alert.labels.owner %}', name: ' {% alert.labels.who %} ' })

    expect(
      await contactHints(
        route,
        envelopeFor({ labels: { owner: 'a@b.example ', who: 'Priya Shah' } }),
      ),
    ).toEqual({ email: 'a@b.example', name: 'Priya Shah' })
  })

  it('leaves out what renders blank, nothing, or not a string', async () => {
    const route = contact({ email: '{% alert.labels.owner %}', name: '{% 42 %}' })

    expect(await contactHints(route, envelopeFor({ labels: { owner: '  ' } }))).toEqual({})
    expect(await contactHints(route, envelopeFor({ labels: {} }))).toEqual({})
  })

  it('gives nothing on a route without tenant.contact', async () => {
    expect(await contactHints(routeWith({}), envelopeFor({ labels: { owner: 'a@b' } }))).toEqual({})
  })

  it('says why instead of failing the alert when a template fails', async () => {
    const route = contact({ email: '{% $error("no owner") %}' })

    expect(await contactHints(route, envelopeFor({}))).toEqual({
      problem: expect.stringMatching(
        /^template routes\.r\.tenant\.contact\.email failed: no owner.*: not set$/,
      ),
    })
  })
})
