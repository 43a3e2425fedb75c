import { describe, expect, it } from 'vitest'
import {
  createHaloSandbox,
  type HaloSandboxOptions,
  SANDBOX_CREDENTIALS,
} from '../../../local/halo-sandbox/halo-sandbox.js'
import { manualClock } from '../../support/halo/scripted-fetch.js'

// These tests pin the sandbox to the Halo fact sheet (shared/reference/halo-api.md): envelopes,
// status codes and error shapes. A change that drifts from real Halo should fail here first.

type Json = Record<string, unknown>

const setup = async (options: HaloSandboxOptions = {}) => {
  const sandbox = createHaloSandbox(options)
  const tokenFor = async (form: Record<string, string> = {}, query = '') =>
    sandbox.app.request(`/auth/token${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: SANDBOX_CREDENTIALS.clientId,
        client_secret: SANDBOX_CREDENTIALS.clientSecret,
        scope: 'all',
        ...form,
      }).toString(),
    })
  const issued = (await (await tokenFor()).json()) as { access_token: string }
  const auth = { authorization: `Bearer ${issued.access_token}` }
  const api = async (path: string, init: RequestInit = {}): Promise<Response> =>
    sandbox.app.request(`/api${path}`, {
      ...init,
      headers: { ...auth, 'content-type': 'application/json', ...init.headers },
    })
  const post = (path: string, body: unknown) =>
    api(path, { method: 'POST', body: JSON.stringify(body) })
  const getJson = async (path: string) => {
    const res = await api(path)
    expect(res.status).toBe(200)
    return res.json() as Promise<unknown>
  }
  return { sandbox, tokenFor, api, post, getJson, auth }
}

describe('Halo sandbox: auth server', () => {
  it('issues bearer tokens for client credentials', async () => {
    const { tokenFor } = await setup({ tokenLifetimeSeconds: 90 })

    const res = await tokenFor()

    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      token_type: 'Bearer',
      expires_in: 90,
      scope: 'all',
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      id_token: expect.any(String),
    })
  })

  it('answers 401 invalid_client to a wrong secret', async () => {
    const { tokenFor } = await setup()

    const res = await tokenFor({ client_secret: 'nope' })

    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: 'invalid_client' })
  })

  it("tells an unknown client id from a wrong secret, as Halo's OpenIddict auth server does", async () => {
    const { tokenFor } = await setup()

    const unknown = await tokenFor({ client_id: 'nobody' })
    const wrong = await tokenFor({ client_secret: 'nope' })

    expect(unknown.status).toBe(401)
    expect(await unknown.json()).toEqual({
      error: 'invalid_client',
      error_description: "The specified 'client_id' is invalid.",
    })
    expect(await wrong.json()).toEqual({
      error: 'invalid_client',
      error_description: 'The specified client credentials are invalid.',
    })
  })

  it('refuses a scope it does not know, or the application is not allowed, with invalid_scope', async () => {
    const { tokenFor } = await setup({ scopes: ['edit:tickets', 'read:customers'] })

    const all = await tokenFor({ scope: 'all' })
    const unknown = await tokenFor({ scope: 'edit:tickets read:actions' })
    const allowed = await tokenFor({ scope: 'edit:tickets read:customers' })

    expect(all.status).toBe(400)
    expect(await all.json()).toMatchObject({
      error: 'invalid_scope',
      error_description: expect.stringContaining('all'),
    })
    expect(await unknown.json()).toMatchObject({ error: 'invalid_scope' })
    expect(allowed.status).toBe(200)
    expect(await allowed.json()).toMatchObject({ scope: 'edit:tickets read:customers' })
  })

  it('answers 403 insufficient_scope to a token without the scope of the resource', async () => {
    const { sandbox, tokenFor } = await setup({ scopes: ['read:tickets'] })
    const { access_token } = (await (await tokenFor({ scope: 'read:tickets' })).json()) as Json
    const call = (path: string, init: RequestInit = {}) =>
      sandbox.app.request(`/api${path}`, {
        ...init,
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
      })

    const clients = await call('/Client')
    const create = await call('/Tickets', { method: 'POST', body: '[{"summary":"x"}]' })

    expect((await call('/Tickets')).status).toBe(200)
    expect((await call('/Status')).status).toBe(200)
    expect(clients.status).toBe(403)
    expect(clients.headers.get('www-authenticate')).toContain('insufficient_scope')
    expect(create.status).toBe(403)
  })

  it('answers 400 unsupported_grant_type to other grants', async () => {
    const { tokenFor } = await setup()

    const res = await tokenFor({ grant_type: 'password' })

    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' })
  })

  it('checks the tenant when one is configured', async () => {
    const { tokenFor } = await setup({ tenant: 'acme' })

    expect((await tokenFor({}, '?tenant=acme')).status).toBe(200)
    expect((await tokenFor({}, '?tenant=other')).status).toBe(401)
  })

  it('serves /api/authinfo anonymously with the auth URL and tenant', async () => {
    const { sandbox } = await setup({ tenant: 'acme' })

    const res = await sandbox.app.request('http://halo.local/api/authinfo')

    expect(await res.json()).toMatchObject({
      auth_url: 'http://halo.local/auth',
      tenant_id: 'acme',
    })
  })

  it('refuses the API without a token, with an unknown one, and with an expired one', async () => {
    const clock = manualClock()
    const { sandbox, api } = await setup({ now: clock.now, tokenLifetimeSeconds: 60 })

    expect((await sandbox.app.request('/api/Tickets')).status).toBe(401)
    expect(
      (await sandbox.app.request('/api/Tickets', { headers: { authorization: 'Bearer x' } }))
        .status,
    ).toBe(401)
    expect((await api('/Tickets')).status).toBe(200)
    clock.advance(60_000)
    expect((await api('/Tickets')).status).toBe(401)
  })
})

describe('Halo sandbox: list envelopes (fact sheet §2.3)', () => {
  it.each([
    ['/Client', 'clients'],
    ['/Site', 'sites'],
    ['/Users', 'users'],
    ['/Asset', 'assets'],
  ])('GET %s answers {record_count, %s}', async (path, key) => {
    const { getJson } = await setup()

    const body = (await getJson(path)) as Json

    expect(Object.keys(body).sort()).toEqual(['record_count', key].sort())
    expect(body.record_count).toBe((body[key] as unknown[]).length)
  })

  it.each([
    '/TicketType',
    '/Status',
    '/Priority',
    '/Team',
    '/Agent',
    '/Outcome',
    '/Lookup?lookupid=12',
  ])('GET %s answers a plain array', async (path) => {
    const { getJson } = await setup()

    const body = await getJson(path)

    expect(Array.isArray(body)).toBe(true)
    expect((body as unknown[]).length).toBeGreaterThan(0)
  })

  it('GET /Tickets answers {record_count, tickets}, plus page_no and page_size when paging', async () => {
    const { getJson } = await setup()

    const plain = (await getJson('/Tickets')) as Json
    const paged = (await getJson('/Tickets?pageinate=true&page_size=10&page_no=1')) as Json

    expect(plain).toMatchObject({ record_count: 0, tickets: [] })
    expect(paged).toMatchObject({ record_count: 0, tickets: [], page_no: 1, page_size: 10 })
  })

  it('GET /Actions?ticket_id= answers {ticket_id, record_count, actions}', async () => {
    const { post, getJson } = await setup()
    const ticket = (await (await post('/Tickets', [{ summary: 's' }])).json()) as Json

    const body = (await getJson(`/Actions?ticket_id=${ticket.id}`)) as Json

    expect(body).toEqual({ ticket_id: ticket.id, record_count: 0, actions: [] })
  })

  it('GET /Actions leaves out hidden actions with excludeprivate and limits with count', async () => {
    const { post, getJson } = await setup()
    const ticket = (await (await post('/Tickets', [{ summary: 's' }])).json()) as Json
    await post('/Actions', [{ ticket_id: ticket.id, outcome: 'Private Note', note: 'n1' }])
    await post('/Actions', [
      { ticket_id: ticket.id, outcome: 'Private Note', note: 'n2', hiddenfromuser: true },
    ])
    await post('/Actions', [{ ticket_id: ticket.id, outcome: 'Private Note', note: 'n3' }])
    const notes = async (query: string) =>
      (
        (await getJson(`/Actions?ticket_id=${ticket.id}${query}`)) as { actions: Json[] }
      ).actions.map((a) => a.note)

    expect(await notes('')).toEqual(['n1', 'n2', 'n3'])
    expect(await notes('&excludeprivate=true')).toEqual(['n1', 'n3'])
    expect(await notes('&count=2')).toEqual(['n1', 'n2'])
  })

  it('stocks the statuses 1 New to 9 Closed', async () => {
    const { getJson } = await setup()

    const statuses = (await getJson('/Status')) as Json[]

    expect(statuses.map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(statuses[0]?.name).toBe('New')
    expect(statuses[8]?.name).toBe('Closed')
  })

  it('routes paths case-insensitively', async () => {
    const { getJson } = await setup()

    for (const path of ['/tickets', '/TICKETS', '/Tickets']) {
      expect(await getJson(path)).toMatchObject({ record_count: 0 })
    }
    expect(await getJson('/client')).toMatchObject({ record_count: 4 })
  })
})

describe('Halo sandbox: writes (fact sheet §2.2, §3, §4)', () => {
  it('creates from an array and answers with the saved object', async () => {
    const { post } = await setup()

    const res = await post('/Tickets', [{ summary: 'Disk full', client_id: 12 }])
    const saved = (await res.json()) as Json

    expect(res.status).toBe(200)
    expect(saved).toMatchObject({
      id: 1001,
      summary: 'Disk full',
      client_name: 'Acme Dental',
      status_id: 1,
    })
  })

  it('answers every saved object with returnall=true, and the last one without', async () => {
    const { post } = await setup()

    const all = (await (
      await post('/Tickets?returnall=true', [{ summary: 'a' }, { summary: 'b' }])
    ).json()) as Json[]
    const last = (await (
      await post('/Tickets', [{ summary: 'c' }, { summary: 'd' }])
    ).json()) as Json

    expect(all.map((t) => t.summary)).toEqual(['a', 'b'])
    expect(last.summary).toBe('d')
  })

  it('updates only the fields sent with an id, and rejects an unknown id', async () => {
    const { post } = await setup()
    const created = (await (
      await post('/Tickets', [{ summary: 'a', details: 'keep' }])
    ).json()) as Json

    const updated = (await (
      await post('/Tickets', [{ id: created.id, priority_id: 1 }])
    ).json()) as Json
    const missing = await post('/Tickets', [{ id: 424242, summary: 'x' }])

    expect(updated).toMatchObject({ summary: 'a', details: 'keep', priority_id: 1 })
    expect(missing.status).toBe(400)
  })

  it('closes with status_id 9 and records hasbeenclosed and dateclosed', async () => {
    const { post, getJson } = await setup()
    const created = (await (await post('/Tickets', [{ summary: 'a' }])).json()) as Json

    await post('/Tickets', [{ id: created.id, status_id: 9 }])
    const read = (await getJson(`/Tickets/${created.id}`)) as Json

    expect(read).toMatchObject({
      status_id: 9,
      hasbeenclosed: true,
      dateclosed: expect.any(String),
    })
  })

  it('reopens a closed ticket moved to an open status', async () => {
    const { post, getJson } = await setup()
    const created = (await (await post('/Tickets', [{ summary: 'a' }])).json()) as Json
    await post('/Tickets', [{ id: created.id, status_id: 9 }])

    await post('/Tickets', [{ id: created.id, status_id: 1 }])

    expect(await getJson(`/Tickets/${created.id}`)).toMatchObject({
      status_id: 1,
      hasbeenclosed: false,
    })
  })

  it('rejects a body that is not an array, and wrongly typed known fields, as model-binding 400s', async () => {
    const { post } = await setup()

    const notArray = await post('/Tickets', { summary: 'a' })
    const badInt = await post('/Tickets', [
      { summary: 'a', client_id: 'twelve', priority_id: 95.5 },
    ])
    const badBool = await post('/Actions', [{ ticket_id: 1, outcome: 'x', hiddenfromuser: 'yes' }])

    expect(notArray.status).toBe(400)
    expect(badInt.status).toBe(400)
    expect(Object.keys((await badInt.json()) as Json).sort()).toEqual([
      '[0].client_id',
      '[0].priority_id',
    ])
    expect(badBool.status).toBe(400)
    expect(Object.keys((await badBool.json()) as Json)).toEqual(['[0].hiddenfromuser'])
  })

  it('checks typed fields inside custom fields and linked assets', async () => {
    const { post } = await setup()

    const res = await post('/Tickets', [
      { summary: 'a', customfields: [{ id: 'x', value: 1 }], assets: [{ id: 501 }, { id: true }] },
    ])

    expect(res.status).toBe(400)
    expect(Object.keys((await res.json()) as Json).sort()).toEqual([
      '[0].assets[1].id',
      '[0].customfields[0].id',
    ])
  })

  it('accepts ints sent as strings, as Halo does for UI-style bodies', async () => {
    const { post } = await setup()

    const res = await post('/Tickets', [{ summary: 'a', client_id: '13' }])

    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ client_id: 13, client_name: 'Brightwater Logistics' })
  })

  it('requires an outcome on actions, with the .NET exception message', async () => {
    const { post } = await setup()
    const ticket = (await (await post('/Tickets', [{ summary: 'a' }])).json()) as Json

    const res = await post('/Actions', [{ ticket_id: ticket.id, note: 'n' }])

    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({
      ClassName: 'System.Exception',
      Message: 'An Outcome must be entered for this Action',
    })
  })

  it('requires a ticket_id on actions', async () => {
    const { post } = await setup()

    expect((await post('/Actions', [{ outcome: 'Private Note', note: 'n' }])).status).toBe(400)
  })

  it('creates actions with 201, per-ticket ids, and new_status applied to the ticket', async () => {
    const { post, getJson } = await setup()
    const ticket = (await (await post('/Tickets', [{ summary: 'a' }])).json()) as Json

    const first = await post('/Actions', [
      { ticket_id: ticket.id, outcome: 'Private Note', note: 'n' },
    ])
    const second = await post('/Actions', [
      { ticket_id: String(ticket.id), outcome_id: '6', new_status: '9' },
    ])

    expect(first.status).toBe(201)
    expect(await first.json()).toMatchObject({ id: 1, actionby_application_id: 'halo-hooks-local' })
    expect(await second.json()).toMatchObject({ id: 2, new_status: 9, new_status_name: 'Closed' })
    expect(await getJson(`/Tickets/${ticket.id}`)).toMatchObject({
      status_id: 9,
      hasbeenclosed: true,
    })
  })

  it('answers 404 for a missing ticket, and deletes by id', async () => {
    const { api, post } = await setup()
    const ticket = (await (await post('/Tickets', [{ summary: 'a' }])).json()) as Json

    expect((await api('/Tickets/999')).status).toBe(404)
    const deleted = await api(`/Tickets/${ticket.id}`, { method: 'DELETE' })
    expect(await deleted.json()).toEqual({ id: ticket.id })
    expect((await api(`/Tickets/${ticket.id}`)).status).toBe(404)
  })

  it('rejects a non-integer value for an integer query parameter', async () => {
    const { api } = await setup()

    const res = await api('/Tickets?client_id=abc')

    expect(res.status).toBe(400)
    expect(Object.keys((await res.json()) as Json)).toEqual(['client_id'])
  })
})

describe('Halo sandbox: filters and paging (fact sheet §2.4, §2.5)', () => {
  const seeded = async () => {
    const ctx = await setup()
    const rows = Array.from({ length: 130 }, (_, i) => ({
      summary: i % 2 ? `Disk full ${i}` : `CPU high ${i}`,
      client_id: i % 3 ? 12 : 13,
      third_party_id_string: `key-${i}`,
      ...(i < 10 ? { status_id: 9 } : {}),
    }))
    await ctx.post('/Tickets', rows)
    return ctx
  }

  it('caps a ticket page at 100 and counts every match in record_count', async () => {
    const { getJson } = await seeded()

    const page = (await getJson('/Tickets?pageinate=true&page_size=150&page_no=1')) as Json

    expect((page.tickets as unknown[]).length).toBe(100)
    expect(page.record_count).toBe(130)
    expect(page.page_size).toBe(100)
  })

  it('returns the rest on the last page and limits with count when not paging', async () => {
    const { getJson } = await seeded()

    const last = (await getJson('/Tickets?pageinate=true&page_size=50&page_no=3')) as Json
    const counted = (await getJson('/Tickets?count=5')) as Json

    expect((last.tickets as unknown[]).length).toBe(30)
    expect((counted.tickets as unknown[]).length).toBe(5)
  })

  it('filters by third_party_id_string exactly, open_only, client_id and search', async () => {
    const { getJson } = await seeded()

    const exact = (await getJson('/Tickets?third_party_id_string=key-1')) as Json
    const open = (await getJson('/Tickets?open_only=true')) as Json
    const client = (await getJson('/Tickets?client_id=13')) as Json
    const search = (await getJson('/Tickets?search=disk%20full%2011')) as Json
    const both = (await getJson('/Tickets?search=disk&client_id=13')) as Json

    // Halo's list rows do not show third_party_id_string; the ticket itself does.
    expect(exact.record_count).toBe(1)
    const [row] = exact.tickets as Json[]
    expect(row?.third_party_id_string).toBeUndefined()
    expect(((await getJson(`/Tickets/${row?.id}`)) as Json).third_party_id_string).toBe('key-1')
    expect(open.record_count).toBe(120)
    expect(client.record_count).toBe(44)
    expect((search.tickets as Json[]).map((t) => t.summary)).toEqual([
      'Disk full 11',
      'Disk full 111',
      'Disk full 113',
      'Disk full 115',
      'Disk full 117',
      'Disk full 119',
    ])
    // Odd i (Disk full) with i % 3 === 0 (client 13): 3, 9, ..., 129.
    expect(both.record_count).toBe(22)
  })
})

describe('Halo sandbox: lookup lists and their filters', () => {
  const names = (rows: unknown) => (rows as Json[]).map((r) => r.name)

  it('filters sites and users by client, and reads one client by id', async () => {
    const { getJson } = await setup()

    const sites = (await getJson('/Site?client_id=13')) as Json
    const users = (await getJson('/Users?client_id=12')) as Json

    expect(names(sites.sites)).toEqual(['Depot North', 'Depot South'])
    expect((users.users as Json[]).map((u) => u.emailaddress)).toEqual([
      'priya.shah@acme-dental.example',
      'tom.okafor@acme-dental.example',
      't.okafor@acme-dental.example',
    ])
    expect(await getJson('/Client/14')).toMatchObject({ id: 14, name: 'Cobalt Architects' })
  })

  it('searches users by parts of their name or e-mail address, within a client, active only', async () => {
    const { getJson } = await setup()
    const ids = async (query: string) =>
      (((await getJson(`/Users?${query}`)) as Json).users as Json[]).map((u) => u.id)

    // `search` is a contains-search: callers keep the exact matches themselves.
    expect(await ids('search=okafor')).toEqual([102, 106])
    expect(await ids('search=PRIYA.SHAH@acme')).toEqual([101])
    expect(await ids('search=okafor&client_id=13')).toEqual([])
    expect(await ids('search=sam.reed@acme-dental.example')).toEqual([])
    expect(await ids('search=sam.reed@acme-dental.example&includeinactive=true')).toEqual([107])
    expect(await getJson('/Users?search=lena.fischer@brightwater.example')).toMatchObject({
      record_count: 1,
      users: [{ id: 103, name: 'Lena Fischer', client_id: 13, site_id: 31 }],
    })
  })

  it('refuses a ticket whose user has no site, and names the user on one that has', async () => {
    const { post } = await setup()

    const noSite = await post('/Tickets', [{ summary: 'Printer', client_id: 12, user_id: 101 }])
    const noUser = await post('/Tickets', [
      { summary: 'Printer', client_id: 12, site_id: 21, user_id: 999 },
    ])
    const saved = await post('/Tickets', [
      { summary: 'Printer', client_id: 12, site_id: 21, user_id: 101 },
    ])

    expect(noSite.status).toBe(400)
    expect(await noSite.json()).toMatchObject({ Message: 'Please select a Site for this User.' })
    expect(noUser.status).toBe(400)
    expect(saved.status).toBe(200)
    expect(await saved.json()).toMatchObject({ user_id: 101, user_name: 'Priya Shah', site_id: 21 })
  })

  it('pages clients like tickets', async () => {
    const { getJson } = await setup()

    const first = (await getJson('/Client?pageinate=true&page_size=2&page_no=1')) as Json
    const second = (await getJson('/Client?pageinate=true&page_size=2&page_no=2')) as Json
    const ids = [...(first.clients as Json[]), ...(second.clients as Json[])].map((c) => c.id)

    expect(first).toMatchObject({ record_count: 4, page_no: 1, page_size: 2 })
    expect(new Set(ids).size).toBe(4)
  })

  it('serves ticket types, statuses, priorities, outcomes, lookups, agents and teams', async () => {
    const { getJson } = await setup()

    const open = (await getJson('/Status?excludeclosed=true')) as Json[]
    const priorities = (await getJson('/Priority')) as Json[]
    const outcomes = (await getJson('/Outcome')) as Json[]

    expect(names(await getJson('/TicketType'))).toContain('Incident')
    expect(open.some((s) => s.id === 9)).toBe(false)
    expect(open.length).toBeGreaterThan(0)
    expect(priorities.map((p) => p.priorityid)).toEqual([1, 2, 3, 4])
    expect(names(priorities)).toEqual(['Critical', 'High', 'Medium', 'Low'])
    expect(outcomes.map((o) => o.outcome)).toContain('Private Note')
    expect(names(await getJson('/Lookup?lookupid=27'))).toEqual(['High', 'Medium', 'Low'])
    expect(names(await getJson('/Agent?team=Infrastructure'))).toEqual(['Jo Nakamura'])
    expect(names(await getJson('/Team'))).toEqual(['Service Desk', 'Infrastructure'])
  })
})

describe("Halo sandbox: the API agent's permissions and ticket types' rules", () => {
  it('names the agent the API acts as, with its teams', async () => {
    const { getJson } = await setup()

    expect(await getJson('/Agent/me')).toMatchObject({
      id: 1,
      name: 'API Agent',
      isapiagent: true,
      teams: [{ team_id: 1, team_name: 'Service Desk' }],
    })
  })

  it('refuses with 403 a ticket for a team the API agent is not a member of', async () => {
    const { post } = await setup()

    const foreign = await post('/Tickets', [{ summary: 'x', team: 'Infrastructure' }])
    const own = await post('/Tickets', [{ summary: 'x', team: 'Service Desk' }])

    expect(foreign.status).toBe(403)
    expect(await foreign.json()).toMatchObject({
      Message: expect.stringContaining('Infrastructure'),
    })
    expect(own.status).toBe(200)
  })

  it("refuses a ticket that leaves a ticket type's mandatory fields empty, naming them", async () => {
    const { post, getJson } = await setup()
    const type = (await getJson('/TicketType/22?includedetails=true')) as Json

    const bare = await post('/Tickets', [{ summary: 'x', tickettype_id: 22 }])
    const complete = await post('/Tickets', [
      {
        summary: 'x',
        tickettype_id: 22,
        category_1: 'Security>Phishing',
        customfields: [{ id: 201, value: 'Email' }],
      },
    ])

    expect(type).toMatchObject({ hasmandatorytechfields: true, allowall_category1: false })
    expect(bare.status).toBe(400)
    expect(await bare.json()).toMatchObject({
      Message: 'Please enter a value for the mandatory fields: Category, Impacted service',
    })
    expect(complete.status).toBe(200)
  })

  it('refuses an action whose outcome the API agent has no access to', async () => {
    const { post, getJson } = await setup()
    const ticket = (await (await post('/Tickets', [{ summary: 'x' }])).json()) as Json
    const outcomes = (await getJson('/Outcome')) as Json[]
    const restricted = outcomes.find((o) => o.outcome === 'Escalation Note')

    const res = await post('/Actions', [
      { ticket_id: ticket.id, outcome: 'Escalation Note', note: 'n' },
    ])

    // It exists: only its access list (a team the API agent is not in) refuses it.
    expect(restricted).toMatchObject({ access_control: [{ team_id: 2 }] })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({
      Message: 'You do not have access to this Action at the moment',
    })
  })
})

describe('Halo sandbox: rate limit and faults', () => {
  it('does not limit by default', async () => {
    const { api } = await setup()

    const statuses = await Promise.all(
      Array.from({ length: 400 }, () => api('/Status').then((r) => r.status)),
    )

    expect(new Set(statuses)).toEqual(new Set([200]))
  })

  it('answers 429 with Halo’s message past N requests per rolling window', async () => {
    const clock = manualClock()
    const { api } = await setup({ now: clock.now, rateLimit: { limit: 3, windowMs: 300_000 } })

    // The token request was the first of the three.
    expect((await api('/Status')).status).toBe(200)
    expect((await api('/Status')).status).toBe(200)
    const limited = await api('/Status')
    clock.advance(300_000)
    const later = await api('/Status')

    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBeNull()
    expect(await limited.text()).toBe('Rate Limit Reached - 3 Requests per rolling 5 minute window')
    expect(later.status).toBe(200)
  })

  it('sets, reads and clears faults through the admin API', async () => {
    const { sandbox, api } = await setup()

    const put = await sandbox.app.request('/sandbox/faults', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ next: [{ status: 503, match: 'get /api/status' }] }),
    })
    expect(put.status).toBe(200)
    expect((await api('/Status')).status).toBe(503)
    expect((await api('/Status')).status).toBe(200)

    await sandbox.app.request('/sandbox/faults', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 1, errorStatuses: [502] }),
    })
    expect((await api('/Team')).status).toBe(502)
    await sandbox.app.request('/sandbox/faults', { method: 'DELETE' })
    expect((await api('/Team')).status).toBe(200)
  })

  it('resets to the seed through the admin API', async () => {
    const { sandbox, post } = await setup()
    await post('/Tickets', [{ summary: 'a' }])

    const res = await sandbox.app.request('/sandbox/reset', { method: 'POST' })

    expect(res.status).toBe(200)
    expect(sandbox.tickets()).toEqual([])
  })
})

describe('Halo sandbox: board page', () => {
  it('lists tickets newest first with status, client and actions, escaping HTML', async () => {
    const { sandbox, post } = await setup()
    const old = (await (
      await post('/Tickets', [{ summary: 'Older <b>one</b>', client_id: 13 }])
    ).json()) as Json
    await post('/Tickets', [{ summary: 'Newer one', client_id: 12 }])
    await post('/Actions', [{ ticket_id: old.id, outcome: 'Private Note', note: 'Looked at it' }])

    const res = await sandbox.app.request('/')
    const html = await res.text()

    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    expect(html.indexOf('Newer one')).toBeLessThan(html.indexOf('Older &lt;b&gt;one&lt;/b&gt;'))
    expect(html).toContain('Brightwater Logistics')
    expect(html).toContain('Looked at it')
    expect(html).toContain('>New<')
    expect(html).not.toContain('<b>one</b>')
  })
})
