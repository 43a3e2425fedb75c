import { describe, expect, it } from 'vitest'
import { useHaloSandbox } from '../../support/halo/halo-sandbox-fixture.js'

describe('createHaloClient against the sandbox: tickets by third_party_id_string', () => {
  const halo = useHaloSandbox()

  it('walks several pages of matches, 100 per request (the most Halo serves)', async () => {
    // Each match is read whole as well (list rows lack the field): no budget for 300 requests.
    const client = halo.client({ budget: false })
    for (let i = 0; i < 150; i++) {
      await client.createTicket({ summary: `t${i}`, third_party_id_string: 'bulk' })
    }
    await client.createTicket({ summary: 'other', third_party_id_string: 'bulk-2' })

    const tickets = await client.findTicketsByThirdPartyId('bulk')

    // Two requests: a smaller page size would take more; a larger one is cut to 100 by the
    // sandbox (as by Halo), so the first page would look short and end the walk at 100.
    expect(tickets).toHaveLength(150)
    expect(new Set(tickets.map((t) => t.id)).size).toBe(150)
    expect(halo.sandbox.requests().filter((r) => r.path === 'get /api/tickets')).toHaveLength(2)
  })

  it('reads a listed ticket whole when the list row does not show third_party_id_string', async () => {
    const client = halo.client()
    const older = await client.createTicket({ summary: 'old', third_party_id_string: 'k' })
    const newer = await client.createTicket({ summary: 'new', third_party_id_string: 'k' })

    const found = await client.findTicketsByThirdPartyId('k', {
      openOnly: false,
      afterId: older.id,
    })

    expect(found.map((ticket) => ticket.id)).toEqual([newer.id])
    // One list request, then one read of the only ticket newer than `afterId`.
    const reads = halo.sandbox.requests().filter((r) => r.path.startsWith('get /api/tickets'))
    expect(reads.map((r) => r.path)).toEqual(['get /api/tickets', `get /api/tickets/${newer.id}`])
  })

  it('filters open tickets of a client by third_party_id_string exactly', async () => {
    const client = halo.client()
    const a = await client.createTicket({
      summary: 'a',
      client_id: 12,
      third_party_id_string: 'k-1',
    })
    await client.createTicket({ summary: 'b', client_id: 12, third_party_id_string: 'k-10' })
    const closed = await client.createTicket({
      summary: 'c',
      client_id: 12,
      third_party_id_string: 'k-1',
    })
    await client.addAction({ ticket_id: closed.id, outcome: 'Close Ticket', new_status: 9 })

    const open = await client.findTicketsByThirdPartyId('k-1')
    const all = await client.findTicketsByThirdPartyId('k-1', { openOnly: false })

    expect(open.map((t) => t.id)).toEqual([a.id])
    expect(all.map((t) => t.id).sort()).toEqual([a.id, closed.id].sort())
  })
})

describe('createHaloClient against the sandbox: actions', () => {
  const halo = useHaloSandbox()

  it('adds notes with outcome by name or id, numbering action ids per ticket', async () => {
    const client = halo.client()
    const first = await client.createTicket({ summary: 'first' })
    const second = await client.createTicket({ summary: 'second' })

    const a1 = await client.addAction({ ticket_id: first.id, outcome: 'Private Note', note: 'n1' })
    const a2 = await client.addAction({
      ticket_id: first.id,
      outcome_id: 7,
      note: 'n2',
      hiddenfromuser: true,
    })
    const b1 = await client.addAction({ ticket_id: second.id, outcome: 'private note', note: 'n3' })

    expect([a1.id, a2.id, b1.id]).toEqual([1, 2, 1])
    expect(a2.outcome).toBe('Internal Note')
    expect((await client.listActions(first.id)).map((a) => a.note)).toEqual(['n1', 'n2'])
  })

  it('changes the ticket status with new_status and closes it with 9', async () => {
    const client = halo.client()
    const ticket = await client.createTicket({ summary: 'x' })

    await client.addAction({ ticket_id: ticket.id, outcome: 'Change Status', new_status: 2 })
    expect((await client.getTicket(ticket.id)).status_id).toBe(2)

    await client.addAction({
      ticket_id: ticket.id,
      outcome: 'Close Ticket',
      note: 'resolved',
      new_status: 9,
    })
    const closed = await client.getTicket(ticket.id)
    expect(closed).toMatchObject({ status_id: 9, hasbeenclosed: true })
    expect(closed.dateclosed).toBeTypeOf('string')
  })
})

describe('createHaloClient against the sandbox: mapping lookups', () => {
  const halo = useHaloSandbox()

  it('reads one page of clients matching a search, with the total count', async () => {
    const client = halo.client()

    const acme = await client.listClients({ search: 'acme' })
    const all = await client.listClients()

    expect(acme.items.map((c) => c.name)).toEqual(['Acme Dental'])
    expect(acme.recordCount).toBe(1)
    expect(all.recordCount).toBe(4)
    expect(all.items).toHaveLength(4)
  })

  it('finds assets by host name and by inventory number, exactly', async () => {
    const client = halo.client()

    const byHost = await client.findAssets({ hostname: 'ACME-DC01' })
    const byTag = await client.findAssets({ inventoryNumber: 'bwl-0044' })
    const partial = await client.findAssets({ hostname: 'acme' })

    expect(byHost.map((a) => a.id)).toEqual([501])
    expect(byTag.map((a) => a.key_field)).toEqual(['bwl-fw01'])
    expect(partial).toEqual([])
  })

  it('counts requests per endpoint so a caller can report Halo calls per event', async () => {
    const client = halo.client()

    const ticket = await client.createTicket({ summary: 'x' })
    await client.getTicket(ticket.id)

    expect(client.calls.sent()).toBe(4)
    expect(client.calls.sent('POST /Tickets')).toBe(1)
    expect(client.calls.sent('GET /Tickets/{id}')).toBe(1)
  })
})

describe('createHaloClient against the sandbox: the reads npm run doctor makes', () => {
  const halo = useHaloSandbox({ tenant: 'acme' })

  it('reads authinfo without a token, and says what the token was granted', async () => {
    const client = halo.client()

    const info = await client.authInfo()
    const grant = await client.grant()

    expect(info).toEqual({ auth_url: `${halo.url}/auth`, tenant_id: 'acme' })
    expect(grant).toEqual({
      tokenUrl: `${halo.url}/auth/token`,
      tenant: 'acme',
      requestedScope: 'all',
      grantedScope: 'all',
    })
  })

  it('reads the agent, a ticket type with its mandatory fields, a client and a site', async () => {
    const client = halo.client()

    const agent = await client.currentAgent()
    const type = await client.getTicketType(22)
    const acme = await client.getClient(12)
    const site = await client.getSite(21)

    expect(agent).toMatchObject({
      id: 1,
      name: 'API Agent',
      teams: [{ team_name: 'Service Desk' }],
    })
    expect(type.fields?.map((f) => [f.fieldinfo?.name, f.fieldinfo?.mandatory])).toEqual([
      ['category_1', true],
      ['CFImpactedService', true],
    ])
    expect(type.allowed_category1?.map((c) => c.category_value)).toContain('Security>Phishing')
    expect(acme).toMatchObject({ id: 12, name: 'Acme Dental' })
    expect(site).toMatchObject({ id: 21, client_id: 12 })
    await expect(client.getClient(999)).rejects.toMatchObject({ status: 404, retryable: false })
  })

  it('lists statuses (open ones apart), outcomes, priorities of one SLA, teams and assets', async () => {
    const client = halo.client()

    const all = await client.listStatuses()
    const open = await client.listStatuses({ excludeclosed: true })
    const outcomes = await client.listOutcomes()
    const priorities = await client.listPriorities({ slaid: 1 })
    const teams = await client.listTeams()
    const assets = await client.listAssets({ count: 1 })

    expect(all.map((s) => s.id)).toContain(9)
    expect(open.map((s) => s.id)).not.toContain(9)
    expect(outcomes.map((o) => o.outcome)).toContain('Private Note')
    expect(priorities.map((p) => p.priorityid)).toEqual([1, 2, 3, 4])
    expect(teams.map((t) => t.name)).toEqual(['Service Desk', 'Infrastructure'])
    expect(assets.items).toHaveLength(1)
    expect(assets.recordCount).toBeGreaterThan(1)
  })
})
