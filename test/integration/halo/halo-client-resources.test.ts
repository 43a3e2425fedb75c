import { describe, expect, it } from 'vitest'
import { useHaloSandbox } from '../../support/halo/halo-sandbox-fixture.js'

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = []
  for await (const item of items) all.push(item)
  return all
}

describe('createHaloClient against the sandbox: lists and paging', () => {
  const halo = useHaloSandbox()

  it('walks several pages of tickets, at most 100 per request', async () => {
    const client = halo.client()
    for (let batch = 0; batch < 3; batch++) {
      const saved = await client.saveTickets(
        Array.from({ length: 85 }, (_, i) => ({ summary: `t${batch}-${i}`, client_id: 12 })),
      )
      expect(saved).toHaveLength(85)
    }

    const tickets = await collect(client.iterateTickets({ client_id: 12, page_size: 500 }))

    expect(tickets).toHaveLength(255)
    expect(new Set(tickets.map((t) => t.id)).size).toBe(255)
    expect(halo.sandbox.requests().filter((r) => r.path === 'get /api/tickets')).toHaveLength(3)
  })

  it('lists one page with the total count', async () => {
    const client = halo.client()
    await client.saveTickets(Array.from({ length: 7 }, (_, i) => ({ summary: `t${i}` })))

    const page = await client.listTickets({ pageinate: true, page_size: 3, page_no: 3 })

    expect(page.recordCount).toBe(7)
    expect(page.items.map((t) => t.summary)).toEqual(['t6'])
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
    await client.closeTicket(closed.id)

    const open = await client.findTicketsByThirdPartyId('k-1')
    const all = await client.findTicketsByThirdPartyId('k-1', { openOnly: false })

    expect(open.map((t) => t.id)).toEqual([a.id])
    expect(all.map((t) => t.id).sort()).toEqual([a.id, closed.id].sort())
  })

  it('searches tickets and filters by client', async () => {
    const client = halo.client()
    await client.createTicket({ summary: 'Backup failed on bwl-wms01', client_id: 13 })
    await client.createTicket({ summary: 'Backup failed on acme-dc01', client_id: 12 })

    const found = await client.listTickets({ search: 'backup', client_id: 13 })

    expect(found.items.map((t) => t.summary)).toEqual(['Backup failed on bwl-wms01'])
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
    expect(
      (await client.listActions(first.id, { excludeprivate: true })).map((a) => a.note),
    ).toEqual(['n1'])
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

    await client.updateTicket({ id: ticket.id, status_id: 1 })
    expect((await client.getTicket(ticket.id)).hasbeenclosed).toBe(false)
  })
})

describe('createHaloClient against the sandbox: mapping lookups', () => {
  const halo = useHaloSandbox()

  it('reads clients, sites and users with their filters', async () => {
    const client = halo.client()

    const clients = await client.listClients({ search: 'acme' })
    const sites = await client.listSites({ client_id: 13 })
    const users = await client.listUsers({ client_id: 12 })
    const one = await client.getClient(14)

    expect(clients.items.map((c) => c.name)).toEqual(['Acme Dental'])
    expect(sites.items.map((s) => s.name)).toEqual(['Depot North', 'Depot South'])
    expect(users.items.map((u) => u.emailaddress)).toEqual([
      'priya.shah@acme-dental.example',
      'tom.okafor@acme-dental.example',
    ])
    expect(one.name).toBe('Cobalt Architects')
    expect(await collect(client.iterateClients({ page_size: 2 }))).toHaveLength(4)
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

  it('reads ticket types, statuses, priorities, outcomes, lookups, agents and teams', async () => {
    const client = halo.client()

    const statuses = await client.listStatuses()
    const open = await client.listStatuses({ excludeclosed: true })

    expect((await client.listTicketTypes()).map((t) => t.name)).toContain('Incident')
    expect(statuses.find((s) => s.id === 9)?.name).toBe('Closed')
    expect(open.some((s) => s.id === 9)).toBe(false)
    expect((await client.listPriorities()).map((p) => p.priorityid)).toEqual([1, 2, 3, 4])
    expect((await client.listOutcomes()).map((o) => o.outcome)).toContain('Private Note')
    expect((await client.listLookup(27)).map((l) => l.name)).toEqual(['High', 'Medium', 'Low'])
    expect((await client.listAgents({ team: 'Infrastructure' })).map((a) => a.name)).toEqual([
      'Jo Nakamura',
    ])
    expect((await client.listTeams()).map((t) => t.name)).toEqual([
      'Service Desk',
      'Infrastructure',
    ])
  })

  it('counts requests per endpoint so a caller can report Halo calls per event', async () => {
    const client = halo.client()

    await client.createTicket({ summary: 'x' })
    await client.listStatuses()

    expect(client.calls.sent()).toBe(4)
    expect(client.calls.sent('POST /Tickets')).toBe(1)
  })
})
