import type { CompiledConfig } from '../shared/config/compile-config.js'
import type { Route } from '../shared/config/config-schema.js'
import type { HaloClient } from '../shared/halo/halo-client.js'
import type { HaloAgent, HaloOutcome, HaloTicketType } from '../shared/halo/schemas.js'
import {
  APPLICATION,
  type DoctorFinding,
  haloCause,
  ok,
  problem,
  SCOPE,
  said,
} from './doctor-findings.js'

// The per-route checks of `npm run doctor`: every id a route's templates fix, read from Halo.

const isExpression = (value: unknown) => typeof value === 'string' && value.includes('{%')

/** A fixed integer (a number, or a string of digits), or undefined for an expression or nothing. */
const fixedInt = (value: unknown): number | undefined => {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value)
  return undefined
}

/** A fixed, non-empty text, or undefined for an expression or nothing. */
const fixedText = (value: unknown): string | undefined =>
  typeof value === 'string' && !isExpression(value) && value.trim() !== ''
    ? value.trim()
    : undefined

const same = (a: string | null | undefined, b: string) =>
  a?.trim().toLowerCase() === b.toLowerCase()

const CATEGORIES = [1, 2, 3, 4] as const

/** Ticket fields the gateway always sets, whatever the route's templates say. */
const ALWAYS_SET = new Set(['summary', 'details', 'third_party_id_string', 'client_id'])

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }

/** Halo reads shared by every route's checks, each made once per run. */
const createReads = (halo: HaloClient) => {
  const cache = new Map<string, Promise<Settled<unknown>>>()
  const once = <T>(key: string, load: () => Promise<T>): Promise<Settled<T>> => {
    let hit = cache.get(key)
    if (!hit) {
      hit = load().then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      )
      cache.set(key, hit)
    }
    return hit as Promise<Settled<T>>
  }
  return {
    ticketType: (id: number) => once(`type:${id}`, () => halo.getTicketType(id)),
    client: (id: number) => once(`client:${id}`, () => halo.getClient(id)),
    site: (id: number) => once(`site:${id}`, () => halo.getSite(id)),
    statuses: () => once('statuses', () => halo.listStatuses()),
    openStatuses: () => once('statuses:open', () => halo.listStatuses({ excludeclosed: true })),
    outcomes: () => once('outcomes', () => halo.listOutcomes()),
    teams: () => once('teams', () => halo.listTeams()),
    priorities: (sla: number | undefined) =>
      once(`priorities:${sla ?? ''}`, () =>
        halo.listPriorities(sla === undefined ? {} : { slaid: sla }),
      ),
    clientSearch: () => once('clients:search', () => halo.listClients({ count: 1 })),
    assets: () => once('assets', () => halo.listAssets({ count: 1 })),
    users: () => once('users', () => halo.listUsers({ count: 1 })),
  }
}

type Reads = ReturnType<typeof createReads>

const isMissing = (error: unknown) => haloCause(error)?.status === 404

/**
 * A read that failed for another reason than a missing record: forbidden (403, `forbidden` names
 * the code), or anything else. `effect` says what that costs deliveries.
 */
const readFailed = (
  check: string,
  route: string,
  error: unknown,
  { what = 'read it', effect, forbidden = 'read_forbidden' }: ReadFailure = {},
): DoctorFinding => {
  const refused = haloCause(error)?.status === 403
  return problem(
    check,
    refused ? forbidden : 'halo_read_failed',
    `cannot ${what} (${said(error)})${effect ? `: ${effect}` : ''}`,
    refused
      ? `allow ${APPLICATION} the "${SCOPE}" permission, and its agent access to what it reads`
      : 'run npm run doctor again; if it persists, check Halo',
    route,
  )
}

type ReadFailure = { what?: string; effect?: string; forbidden?: string }

/** Why a record read by id is not there: `unknown` (code, detail, fix) when Halo answered 404. */
const missingOr = (
  error: unknown,
  check: string,
  route: string,
  [code, detail, fix]: [code: string, detail: string, fix: string],
): DoctorFinding =>
  isMissing(error) ? problem(check, code, detail, fix, route) : readFailed(check, route, error)

/** What every check of one route reads: Halo, the route, its literal ticket fields, the agent. */
type RouteContext = {
  reads: Reads
  name: string
  route: Route
  agent: HaloAgent | undefined
  ticket: Record<string, unknown>
  /** Where a key of the route lives in the config: `routes.<name>.<key>`. */
  at: (key: string) => string
  /** Every fixed client id the route sends, with where each is set. */
  clients: Map<number, string[]>
}

const routeContext = (
  reads: Reads,
  name: string,
  route: Route,
  agent: HaloAgent | undefined,
): RouteContext => {
  const ticket = route.ticket as Record<string, unknown>
  const at = (key: string) => `routes.${name}.${key}`
  const clients = new Map<number, string[]>()
  const addClient = (id: number | undefined, where: string) => {
    if (id !== undefined) clients.set(id, [...(clients.get(id) ?? []), where])
  }
  addClient(fixedInt(ticket.client_id), at('ticket.client_id'))
  for (const [key, id] of Object.entries(route.tenant.clients)) {
    addClient(id, at(`tenant.clients.${key}`))
  }
  addClient(route.tenant.fallbackClientId, at('tenant.fallbackClientId'))
  return { reads, name, route, agent, ticket, at, clients }
}

/** Which mandatory fields of a ticket type the route leaves unset, as `label (how to set it)`. */
const unsetMandatoryFields = (type: HaloTicketType, route: Route): string[] => {
  const ticket = route.ticket as Record<string, unknown>
  const customFields = ticket.customfields
  const setCustom = (id: number | null | undefined) =>
    // An expression may set any custom field: it cannot be told without an alert.
    isExpression(customFields) ||
    (Array.isArray(customFields) &&
      customFields.some(
        (field) =>
          typeof field === 'object' &&
          field !== null &&
          (isExpression((field as { id?: unknown }).id) ||
            fixedInt((field as { id?: unknown }).id) === id),
      ))
  const setBuiltIn = (name: string) =>
    ALWAYS_SET.has(name) ||
    ticket[name] !== undefined ||
    (name === 'site_id' && route.tenant.asset !== 'none')
  return (type.fields ?? []).flatMap(({ fieldinfo, fieldname }) => {
    if (fieldinfo?.mandatory !== true) return []
    const label = fieldinfo.label ?? fieldinfo.name ?? fieldname ?? `field ${fieldinfo.id}`
    if (fieldinfo.custom) {
      return setCustom(fieldinfo.id)
        ? []
        : [`${label} (customfields: [{ id: ${fieldinfo.id}, value: ... }])`]
    }
    const name = fieldinfo.faults_field_name ?? fieldinfo.name ?? fieldname ?? ''
    return setBuiltIn(name) ? [] : [`${label} (${name})`]
  })
}

const ticketTypeChecks = async ({
  reads,
  name,
  route,
  ticket,
  at,
}: RouteContext): Promise<{ findings: DoctorFinding[]; type?: HaloTicketType }> => {
  const id = fixedInt(ticket.tickettype_id)
  if (id === undefined) {
    return {
      findings: [
        ok(
          'ticket type',
          isExpression(ticket.tickettype_id)
            ? 'set by an expression: its rules are not checked'
            : "not set: Halo's default ticket type, whose rules are not checked",
          name,
        ),
      ],
    }
  }
  const check = `ticket type ${id}`
  const read = await reads.ticketType(id)
  if (!read.ok) {
    return {
      findings: [
        missingOr(read.error, check, name, [
          'ticket_type_unknown',
          `ticket type ${id} does not exist in Halo`,
          `set ${at('ticket.tickettype_id')} to the id of a ticket type (Halo: Configuration > Tickets > Ticket Types)`,
        ]),
      ],
    }
  }
  const type = read.value
  const title = `ticket type ${id} (${type.name ?? '?'})`
  const findings: DoctorFinding[] = []
  const unset = unsetMandatoryFields(type, route)
  const listed = (type.fields ?? []).some((field) => field.fieldinfo?.mandatory === true)
  findings.push(
    unset.length > 0
      ? problem(
          check,
          'ticket_type_fields_missing',
          `${title} requires ${unset.join(', ')}, which the route does not set: Halo refuses every ticket`,
          `set ${unset.length === 1 ? 'it' : 'them'} in ${at('ticket')}, or use another ticket type`,
          name,
        )
      : ok(
          check,
          type.hasmandatorytechfields && !listed
            ? `"${type.name ?? '?'}" exists (Halo says it has mandatory fields without listing them: --write-test proves a ticket can be created)`
            : `"${type.name ?? '?'}" exists; the route sets every field it requires`,
          name,
        ),
  )
  for (const n of CATEGORIES) {
    const value = fixedText(ticket[`category_${n}`])
    if (value === undefined) continue
    const field = `category_${n}`
    const allowed = type[`allowed_category${n}`]?.map((c) => c.category_value ?? '') ?? []
    if (type[`allowall_category${n}`] !== false) {
      findings.push(
        ok(
          field,
          `"${value}": ${title} allows any category (Halo's API lists no categories to check it against)`,
          name,
        ),
      )
    } else if (allowed.some((category) => same(category, value))) {
      findings.push(ok(field, `"${value}" is allowed by ${title}`, name))
    } else {
      findings.push(
        problem(
          field,
          'category_not_allowed',
          `"${value}" is not a category ${title} allows (${allowed.join(', ') || 'none listed'})`,
          `set ${at(`ticket.${field}`)} to one of them, or allow it on the ticket type`,
          name,
        ),
      )
    }
  }
  const team = fixedText(ticket.team)
  if (team !== undefined && type.allowall_team === false) {
    const allowed = (type.allowed_teams ?? []).map((t) => t.section_name ?? '')
    if (!allowed.some((t) => same(t, team))) {
      findings.push(
        problem(
          'team',
          'team_not_allowed',
          `team "${team}" is not one ${title} allows (${allowed.join(', ') || 'none listed'})`,
          `set ${at('ticket.team')} to one of them, or allow it on the ticket type`,
          name,
        ),
      )
    }
  }
  return { findings, type }
}

const clientAndSiteChecks = async ({
  reads,
  name,
  ticket,
  at,
  clients,
}: RouteContext): Promise<DoctorFinding[]> => {
  const findings: DoctorFinding[] = []
  for (const [id, where] of clients) {
    const check = `client ${id}`
    const read = await reads.client(id)
    if (!read.ok) {
      findings.push(
        missingOr(read.error, check, name, [
          'client_unknown',
          `client ${id} (${where.join(', ')}) does not exist in Halo`,
          `set ${where[0]} to the id of an existing client`,
        ]),
      )
    } else if (read.value.inactive) {
      findings.push(
        problem(
          check,
          'client_inactive',
          `client ${id} (${read.value.name ?? '?'}) is inactive`,
          `make it active in Halo, or set ${where[0]} to an active client`,
          name,
        ),
      )
    } else {
      findings.push(ok(check, `${read.value.name ?? '?'} (${where.join(', ')})`, name))
    }
  }
  const siteId = fixedInt(ticket.site_id)
  if (siteId !== undefined) {
    const check = `site ${siteId}`
    const read = await reads.site(siteId)
    const clientId = fixedInt(ticket.client_id)
    if (!read.ok) {
      findings.push(
        missingOr(read.error, check, name, [
          'site_unknown',
          `site ${siteId} does not exist in Halo`,
          `set ${at('ticket.site_id')} to the id of an existing site`,
        ]),
      )
    } else if (clientId !== undefined && read.value.client_id !== clientId) {
      findings.push(
        problem(
          check,
          'site_other_client',
          `site ${siteId} (${read.value.name ?? '?'}) belongs to client ${read.value.client_id}, not ${clientId}`,
          `set ${at('ticket.site_id')} to a site of client ${clientId}`,
          name,
        ),
      )
    } else {
      findings.push(ok(check, `${read.value.name ?? '?'}`, name))
    }
  }
  return findings
}

const priorityCheck = async (
  { reads, name, ticket, at }: RouteContext,
  type: HaloTicketType | undefined,
): Promise<DoctorFinding[]> => {
  const id = fixedInt(ticket.priority_id)
  if (id === undefined) return []
  const check = `priority ${id}`
  const sla = type?.default_sla ?? undefined
  const read = await reads.priorities(sla)
  if (!read.ok) return [readFailed(check, name, read.error)]
  const found = read.value.find((p) => p.priorityid === id)
  if (found) return [ok(check, `${found.name ?? '?'}`, name)]
  const known = read.value.map((p) => `${p.priorityid} ${p.name ?? ''}`.trim()).join(', ')
  return [
    problem(
      check,
      'priority_unknown',
      `priority ${id} is not one of ${sla === undefined ? "Halo's" : `SLA ${sla}'s (the ticket type's)`} priorities (${known || 'none'})`,
      `set ${at('ticket.priority_id')} to one of them`,
      name,
    ),
  ]
}

const teamCheck = async ({
  reads,
  name,
  agent,
  ticket,
  at,
}: RouteContext): Promise<DoctorFinding[]> => {
  const team = fixedText(ticket.team)
  if (team === undefined) return []
  const check = 'team'
  const read = await reads.teams()
  if (!read.ok) return [readFailed(check, name, read.error)]
  const found = read.value.find((t) => same(t.name, team))
  if (!found) {
    return [
      problem(
        check,
        'team_unknown',
        `no team named "${team}" (teams: ${read.value.map((t) => t.name).join(', ')})`,
        `set ${at('ticket.team')} to one of them`,
        name,
      ),
    ]
  }
  const memberships = agent?.teams
  if (
    memberships &&
    !memberships.some((m) => m.team_id === found.id || same(m.team_name, found.name ?? team))
  ) {
    const own = memberships.map((m) => m.team_name).filter(Boolean)
    return [
      problem(
        check,
        'team_not_member',
        `the API agent "${agent?.name ?? '?'}" is not a member of team "${found.name}": Halo answers 403 to every ticket for it`,
        `add the agent to team "${found.name}" in Halo (Configuration > Teams), or set ${at('ticket.team')} to one of its teams (${own.join(', ') || 'none'})`,
        name,
      ),
    ]
  }
  return [ok(check, `"${found.name}"${agent?.teams ? ' (the API agent is a member)' : ''}`, name)]
}

const statusChecks = async ({
  reads,
  name,
  route,
  ticket,
  at,
}: RouteContext): Promise<DoctorFinding[]> => {
  const wanted: { id: number; where: string; closes: boolean | undefined }[] = []
  const initial = fixedInt(ticket.status_id)
  if (initial !== undefined) wanted.push({ id: initial, where: 'ticket.status_id', closes: false })
  if (route.lifecycle.resolve === 'close') {
    wanted.push({
      id: route.lifecycle.closedStatusId,
      where: 'lifecycle.closedStatusId',
      closes: true,
    })
  }
  if (route.lifecycle.afterClosed === 'reopen') {
    wanted.push({
      id: route.lifecycle.reopenStatusId,
      where: 'lifecycle.reopenStatusId',
      closes: false,
    })
  }
  if (wanted.length === 0) return []
  const [all, open] = await Promise.all([reads.statuses(), reads.openStatuses()])
  const findings: DoctorFinding[] = []
  for (const { id, where, closes } of wanted) {
    const check = `status ${id}`
    if (!all.ok) {
      findings.push(readFailed(check, name, all.error))
      continue
    }
    if (!open.ok) {
      findings.push(readFailed(check, name, open.error))
      continue
    }
    const status = all.value.find((s) => s.id === id)
    if (!status) {
      findings.push(
        problem(
          check,
          'status_unknown',
          `status ${id} (${at(where)}) does not exist in Halo`,
          `set ${at(where)} to an existing status${closes ? ' that closes a ticket (9 is stock Closed)' : ''}`,
          name,
        ),
      )
      continue
    }
    const isOpen = open.value.some((s) => s.id === id)
    const title = `status ${id} (${status.name ?? '?'})`
    if (closes && isOpen) {
      findings.push(
        problem(
          check,
          'status_not_closed',
          `${title} does not close a ticket, so resolved alerts would leave their tickets open`,
          `set ${at(where)} to a closed status (9 is stock Closed)`,
          name,
        ),
      )
    } else if (!closes && !isOpen && where === 'lifecycle.reopenStatusId') {
      findings.push(
        problem(
          check,
          'status_closed',
          `${title} is a closed status, so a reopened ticket would stay closed`,
          `set ${at(where)} to an open status (1 is stock New)`,
          name,
        ),
      )
    } else {
      findings.push(
        ok(check, `"${status.name ?? '?'}"${closes ? ' closes tickets' : ''} (${where})`, name),
      )
    }
  }
  return findings
}

/** Whether the agent may use an outcome that restricts who may (an access list). */
const mayUse = (outcome: HaloOutcome, agent: HaloAgent | undefined): boolean | undefined => {
  const rules = outcome.access_control ?? []
  if (rules.length === 0) return true
  if (!agent) return undefined
  const teams = new Set((agent.teams ?? []).map((team) => team.team_id))
  return rules.some(
    (rule) =>
      (rule.agent_id != null && rule.agent_id === agent.id) ||
      (rule.team_id != null && teams.has(rule.team_id)),
  )
}

const outcomeCheck = async ({
  reads,
  name,
  route,
  agent,
  at,
}: RouteContext): Promise<DoctorFinding[]> => {
  const wanted = route.lifecycle.outcome
  const where = at('lifecycle.outcome')
  const check = 'outcome'
  const read = await reads.outcomes()
  if (!read.ok) return [readFailed(check, name, read.error)]
  const found = read.value.find((o) => same(o.outcome, wanted))
  const usable = read.value
    .filter((o) => !o.hidden && mayUse(o, agent) === true)
    .map((o) => o.outcome)
    .slice(0, 6)
  const lost =
    'Halo refuses every note and close with "You do not have access to this Action at the moment", and the note is lost'
  if (!found) {
    return [
      problem(
        check,
        'outcome_unknown',
        `no outcome (action) named "${wanted}": ${lost}`,
        `set ${where} to an outcome the API agent may use (${usable.join(', ')}; Halo: Configuration > Tickets > Actions)`,
        name,
      ),
    ]
  }
  const allowed = mayUse(found, agent)
  if (allowed === false) {
    return [
      problem(
        check,
        'outcome_no_access',
        `outcome "${found.outcome}" is restricted to other agents or teams than the API agent "${agent?.name ?? '?'}": ${lost}`,
        `give the agent access to "${found.outcome}" in Halo (Configuration > Tickets > Actions), or set ${where} to one it may use (${usable.join(', ')})`,
        name,
      ),
    ]
  }
  return [
    ok(
      check,
      `notes with "${found.outcome}" (id ${found.id})${allowed === undefined ? '; who may use it could not be told without the agent' : ''}`,
      name,
    ),
  ]
}

const lookupChecks = async ({ reads, name, route }: RouteContext): Promise<DoctorFinding[]> => {
  const findings: DoctorFinding[] = []
  const lookups = [
    route.tenant.lookupClientByName && {
      check: 'client lookup',
      read: reads.clientSearch,
      what: 'search clients by name (tenant.lookupClientByName)',
      effect: 'alerts routed by tenant name are parked as unroutable',
    },
    route.tenant.asset !== 'none' && {
      check: 'asset lookup',
      read: reads.assets,
      what: `read assets (tenant.asset: ${route.tenant.asset})`,
      effect: 'tickets get no asset, and alerts routed by asset are parked as unroutable',
    },
    route.tenant.contact && {
      check: 'contact lookup',
      read: reads.users,
      what: 'search users (tenant.contact)',
      effect: 'tickets get no end user (user_id)',
    },
  ]
  for (const lookup of lookups) {
    if (!lookup) continue
    const result = await lookup.read()
    findings.push(
      result.ok
        ? ok(lookup.check, `can ${lookup.what}`, name)
        : readFailed(lookup.check, name, result.error, {
            ...lookup,
            forbidden: 'lookup_forbidden',
          }),
    )
  }
  return findings
}

const checkRoute = async (context: RouteContext): Promise<DoctorFinding[]> => {
  const { findings, type } = await ticketTypeChecks(context)
  return [
    ...findings,
    ...(await clientAndSiteChecks(context)),
    ...(await priorityCheck(context, type)),
    ...(await teamCheck(context)),
    ...(await statusChecks(context)),
    ...(await outcomeCheck(context)),
    ...(await lookupChecks(context)),
  ]
}

/**
 * Every route's checks, in the config's order. Each Halo read is made once for all routes; the
 * agent, when known, decides team membership and outcome access.
 */
export const checkRoutes = async (
  halo: HaloClient,
  config: CompiledConfig,
  agent: HaloAgent | undefined,
): Promise<DoctorFinding[]> => {
  const reads = createReads(halo)
  const findings: DoctorFinding[] = []
  for (const [name, route] of Object.entries(config.config.routes)) {
    findings.push(...(await checkRoute(routeContext(reads, name, route, agent))))
  }
  return findings
}
