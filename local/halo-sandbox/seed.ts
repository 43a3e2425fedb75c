/** A stored record: Halo-shaped JSON with a numeric or string id. */
export type SandboxRecord = Record<string, unknown> & { id: number | string }

/** Everything the sandbox starts with. Ids are fixed so tests and docs can name them. */
export type SandboxSeed = {
  clients: SandboxRecord[]
  sites: SandboxRecord[]
  users: SandboxRecord[]
  assets: SandboxRecord[]
  tickettypes: SandboxRecord[]
  statuses: SandboxRecord[]
  priorities: SandboxRecord[]
  outcomes: SandboxRecord[]
  agents: SandboxRecord[]
  teams: SandboxRecord[]
  lookups: SandboxRecord[]
}

/**
 * One field of a ticket type (`RequestTypeField` with its `FieldInfo`) that an agent must fill in.
 * A custom field is set through `customfields: [{ id, value }]`; a built-in one is the ticket field
 * of its name.
 */
const ticketTypeField = (
  rtid: number,
  field: { id: number; name: string; label: string; builtIn?: boolean },
) => ({
  id: rtid * 1000 + field.id,
  rtid,
  fieldid: field.id,
  fieldname: field.name,
  fieldinfo: {
    id: field.id,
    name: field.name,
    label: field.label,
    mandatory: true,
    custom: field.builtIn ? 0 : 1,
    ...(field.builtIn ? { faults_field_name: field.name } : {}),
  },
})

/** Stock status id of Closed, the one id that is the same on every Halo instance. */
export const CLOSED_STATUS_ID = 9

/** The closed-type status `type` value the sandbox uses to mark closing statuses. */
const CLOSED_TYPE = 1

/**
 * A small MSP: an internal client and three customers with sites, users and assets, the stock
 * ticket statuses, a few ticket types, one SLA's priorities and the common action outcomes.
 * Only status 9 (Closed) is known to match real Halo; other names and ids resemble a fresh
 * instance but are illustrative.
 */
export const createSeed = (): SandboxSeed => {
  const clients = [
    {
      id: 1,
      name: 'Halo Hooks MSP (internal)',
      toplevel_id: 1,
      toplevel_name: 'Internal',
      inactive: false,
    },
    { id: 12, name: 'Acme Dental', toplevel_id: 2, toplevel_name: 'Customers', inactive: false },
    {
      id: 13,
      name: 'Brightwater Logistics',
      toplevel_id: 2,
      toplevel_name: 'Customers',
      inactive: false,
    },
    {
      id: 14,
      name: 'Cobalt Architects',
      toplevel_id: 2,
      toplevel_name: 'Customers',
      inactive: false,
    },
  ]
  const clientName = (id: number) => clients.find((c) => c.id === id)?.name ?? null
  const site = (id: number, client_id: number, name: string, timezone = 'Europe/London') => ({
    id,
    name,
    client_id,
    client_name: clientName(client_id),
    clientsite_name: `${clientName(client_id)}/${name}`,
    inactive: false,
    sla_id: 1,
    timezone,
  })
  const sites = [
    site(18, 1, 'Head Office'),
    site(21, 12, 'Main Surgery'),
    site(22, 12, 'Riverside Branch'),
    site(31, 13, 'Depot North'),
    site(32, 13, 'Depot South'),
    site(41, 14, 'Studio', 'Europe/Dublin'),
  ]
  const siteOf = (id: number) => sites.find((s) => s.id === id)
  const user = (id: number, site_id: number, firstname: string, surname: string, email: string) => {
    const home = siteOf(site_id)
    return {
      id,
      name: `${firstname} ${surname}`,
      firstname,
      surname,
      emailaddress: email,
      site_id,
      site_name: home?.name ?? null,
      client_id: home?.client_id ?? null,
      client_name: home?.client_name ?? null,
      inactive: false,
    }
  }
  const users = [
    user(101, 21, 'Priya', 'Shah', 'priya.shah@acme-dental.example'),
    user(102, 22, 'Tom', 'Okafor', 'tom.okafor@acme-dental.example'),
    user(103, 31, 'Lena', 'Fischer', 'lena.fischer@brightwater.example'),
    user(104, 32, 'Marco', 'Rossi', 'marco.rossi@brightwater.example'),
    user(105, 41, 'Aoife', 'Byrne', 'aoife.byrne@cobalt.example'),
    // Two people of one name at one client: a lookup by that name must not pick either.
    user(106, 21, 'Tom', 'Okafor', 't.okafor@acme-dental.example'),
    // Gone from the practice: Halo leaves inactive users out of its lists unless asked.
    { ...user(107, 21, 'Sam', 'Reed', 'sam.reed@acme-dental.example'), inactive: true },
  ]
  const asset = (
    id: number,
    site_id: number,
    tag: string,
    hostname: string,
    type: [number, string],
  ) => {
    const home = siteOf(site_id)
    return {
      id,
      inventory_number: tag,
      key_field: hostname,
      key_field2: `SN-${tag.slice(-4)}`,
      key_field3: '',
      client_id: home?.client_id ?? null,
      client_name: home?.client_name ?? null,
      site_id,
      site_name: home?.name ?? null,
      assettype_id: type[0],
      assettype_name: type[1],
      inactive: false,
    }
  }
  const server: [number, string] = [1, 'Server']
  const workstation: [number, string] = [2, 'Workstation']
  const network: [number, string] = [3, 'Network Device']
  const assets = [
    asset(501, 21, 'ACME-0001', 'acme-dc01', server),
    asset(502, 21, 'ACME-0002', 'acme-pms01', server),
    asset(503, 22, 'ACME-0107', 'acme-rs-ws07', workstation),
    asset(504, 31, 'BWL-0001', 'bwl-wms01', server),
    asset(505, 31, 'BWL-0044', 'bwl-fw01', network),
    asset(506, 41, 'COB-0001', 'cobalt-nas01', server),
  ]
  const tickettypes = [
    {
      id: 1,
      name: 'Incident',
      use: 'ticket',
      initial_status: 1,
      default_sla: 1,
      cancreate: true,
      agentscanselect: true,
    },
    {
      id: 2,
      name: 'Service Request',
      use: 'ticket',
      initial_status: 1,
      default_sla: 1,
      cancreate: true,
      agentscanselect: true,
    },
    {
      id: 3,
      name: 'Problem',
      use: 'ticket',
      initial_status: 1,
      default_sla: 1,
      cancreate: true,
      agentscanselect: true,
    },
    {
      id: 21,
      name: 'Alert',
      use: 'ticket',
      initial_status: 1,
      default_sla: 1,
      cancreate: true,
      agentscanselect: true,
    },
    // Fields an agent must fill in, and categories it is restricted to: a route that does not
    // set them cannot create tickets of this type.
    {
      id: 22,
      name: 'Security Incident',
      use: 'ticket',
      initial_status: 1,
      default_sla: 1,
      cancreate: true,
      agentscanselect: true,
      hasmandatorytechfields: true,
      fields: [
        ticketTypeField(22, { id: 8, name: 'category_1', label: 'Category', builtIn: true }),
        ticketTypeField(22, { id: 201, name: 'CFImpactedService', label: 'Impacted service' }),
      ],
      allowall_category1: false,
      allowed_category1: [
        { id: 1, tickettype_id: 22, category_value: 'Security>Phishing' },
        { id: 2, tickettype_id: 22, category_value: 'Security>Malware' },
      ],
    },
  ]
  const status = (id: number, name: string, colour: string, type = 0) => ({
    id,
    name,
    shortname: name.slice(0, 4).toUpperCase(),
    type,
    sequence: id,
    colour,
  })
  const statuses = [
    status(1, 'New', '#2f80ed'),
    status(2, 'In Progress', '#27ae60'),
    status(3, 'Action Required', '#eb5757'),
    status(4, 'With User', '#f2994a'),
    status(5, 'With Supplier', '#9b51e0'),
    status(6, 'Scheduled', '#56ccf2'),
    status(7, 'On Hold', '#828282'),
    status(8, 'Updated', '#f2c94c'),
    status(CLOSED_STATUS_ID, 'Closed', '#4f4f4f', CLOSED_TYPE),
  ]
  const priority = (priorityid: number, name: string, fixtime: number, responsetime: number) => ({
    id: `00000000-0000-4000-8000-00000000000${priorityid}`,
    slaid: 1,
    priorityid,
    name,
    fixtime,
    responsetime,
    fixunits: 'h',
  })
  const priorities = [
    priority(1, 'Critical', 4, 0.5),
    priority(2, 'High', 8, 1),
    priority(3, 'Medium', 24, 4),
    priority(4, 'Low', 72, 8),
  ]
  // CIPP treats outcome 7 as the stock internal note; the other ids are illustrative.
  const outcome = (id: number, name: string, hidden = false) => ({
    id,
    outcome: name,
    buttonname: name,
    sequence: id,
    hidden,
  })
  const outcomes = [
    outcome(1, 'New'),
    outcome(2, 'Email User'),
    outcome(3, 'Remote'),
    outcome(4, 'Phone Call'),
    outcome(5, 'Private Note'),
    outcome(6, 'Close Ticket'),
    outcome(7, 'Internal Note'),
    outcome(8, 'Change Status'),
    // Only the Infrastructure team may use it, which the API agent is not in.
    {
      ...outcome(9, 'Escalation Note'),
      access_control: [{ id: 1, entity: 'outcome', entity_id: 9, team_id: 2 }],
    },
  ]
  const teams = [
    { id: 1, name: 'Service Desk', inactive: false },
    { id: 2, name: 'Infrastructure', inactive: false },
  ]
  // The first agent is the one the API application logs in as (`GET /Agent/me`).
  const agents = [
    {
      id: 1,
      name: 'API Agent',
      email: 'api@halo-hooks.example',
      team: 'Service Desk',
      teams: [{ id: 1, agent_id: 1, team_id: 1, team_name: 'Service Desk' }],
      isdisabled: false,
      isapiagent: true,
    },
    {
      id: 2,
      name: 'Sam Carter',
      email: 'sam@halo-hooks.example',
      team: 'Service Desk',
      isdisabled: false,
    },
    {
      id: 3,
      name: 'Jo Nakamura',
      email: 'jo@halo-hooks.example',
      team: 'Infrastructure',
      isdisabled: false,
    },
  ]
  const lookup = (lookupid: number, id: number, name: string) => ({
    lookupid,
    id,
    name,
    inactive: false,
  })
  const lookups = [
    lookup(12, 1, 'Company Wide'),
    lookup(12, 2, 'Department'),
    lookup(12, 3, 'Single User'),
    lookup(27, 1, 'High'),
    lookup(27, 2, 'Medium'),
    lookup(27, 3, 'Low'),
    lookup(22, 0, 'Email'),
    lookup(22, 1, 'Manual'),
    lookup(22, 2, 'Web'),
  ]
  return {
    clients,
    sites,
    users,
    assets,
    tickettypes,
    statuses,
    priorities,
    outcomes,
    agents,
    teams,
    lookups,
  }
}
