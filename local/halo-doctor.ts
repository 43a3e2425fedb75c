import type { CompiledConfig } from '../shared/config/compile-config.js'
import type { Route } from '../shared/config/config-schema.js'
import { ConfigError, HaloApiError } from '../shared/errors.js'
import type { HaloClient } from '../shared/halo/halo-client.js'
import type { HaloGrant } from '../shared/halo/halo-token-source.js'
import type {
  HaloAgent,
  HaloAuthInfo,
  HaloOutcome,
  HaloTicketInput,
  HaloTicketType,
} from '../shared/halo/schemas.js'

/** The Halo a command talks to, with where each setting came from (named in the fixes). */
export type HaloTarget = {
  url: string
  tenant: string | undefined
  clientId: string
  clientSecret: string
  /** Where to change each setting: `HALO_CLIENT_SECRET`, `halo.clientSecret in secrets.json`... */
  from: { url: string; tenant: string; clientId: string; clientSecret: string }
}

/** One check's verdict. A problem names what is wrong and, in `fix`, what to do. */
export type DoctorFinding = {
  /** What was checked: `Halo URL`, `token`, `ticket type 21`... */
  check: string
  /** The route the check belongs to; undefined for the Halo-wide checks. */
  route?: string
  status: 'ok' | 'problem'
  detail: string
  /** Stable name of the problem (`secret_wrong`, `outcome_unknown`...), for tests and scripts. */
  code?: string
  fix?: string
}

/** The scope halo-hooks asks for (the Halo client's default). */
const SCOPE = 'all'

const ok = (check: string, detail: string, route?: string): DoctorFinding => ({
  check,
  status: 'ok',
  detail,
  ...(route === undefined ? {} : { route }),
})

const problem = (
  check: string,
  code: string,
  detail: string,
  fix: string,
  route?: string,
): DoctorFinding => ({
  check,
  status: 'problem',
  detail,
  code,
  fix,
  ...(route === undefined ? {} : { route }),
})

/** The Halo failure behind an error, when there is one (a refused token wraps it). */
const haloCause = (error: unknown): HaloApiError | undefined =>
  error instanceof HaloApiError
    ? error
    : error instanceof ConfigError && error.cause instanceof HaloApiError
      ? error.cause
      : undefined

/** What Halo said, or what went wrong, in a few words for a detail line. */
const said = (error: unknown): string => {
  const cause = haloCause(error)
  if (cause?.haloMessage) {
    // A web page says nothing useful in one line; that it is one says a lot.
    return /^\s*</.test(cause.haloMessage)
      ? `HTTP ${cause.status}, an HTML page`
      : cause.haloMessage
  }
  if (cause?.status !== undefined && cause.kind === 'http') return `HTTP ${cause.status}`
  return error instanceof Error ? error.message : String(error)
}

const urlFix = (target: HaloTarget): string => {
  const path = new URL(target.url).pathname.replace(/\/+$/, '')
  const extra = /\/(api|auth)$/i.test(path)
    ? ` without the trailing ${path.slice(path.lastIndexOf('/'))}`
    : ''
  return (
    `set ${target.from.url} to your Halo instance's root${extra}, e.g. https://acme.halopsa.com ` +
    '(Halo shows it under Configuration > Integrations > Halo API, as the resource server without /api)'
  )
}

const unreachable = (error: unknown, target: HaloTarget): DoctorFinding =>
  problem(
    'Halo URL',
    'url_unreachable',
    `${target.url} did not answer (${said(error)})`,
    `check ${target.from.url} and that this machine can reach it; ${urlFix(target)}`,
  )

const isUnreachable = (error: unknown) => {
  const kind = haloCause(error)?.kind
  return kind === 'network' || kind === 'timeout'
}

const APPLICATION = 'the API application (Halo: Configuration > Integrations > Halo API)'

/**
 * What a refused or failed token request means, from Halo's answer: which of URL, tenant, client
 * id, secret or scope is wrong. `info` is what `/api/authinfo` said, when it was read: it names
 * the tenant the instance expects.
 */
export const diagnoseToken = (
  error: unknown,
  target: HaloTarget,
  info?: HaloAuthInfo,
): DoctorFinding => {
  const cause = haloCause(error)
  if (isUnreachable(error)) return unreachable(error, target)
  if (cause?.status === 404) {
    return problem(
      'Halo URL',
      'url_not_halo',
      `${target.url} has no Halo token endpoint (${error instanceof Error ? error.message : said(error)})`,
      urlFix(target),
    )
  }
  const description = (cause?.haloMessage ?? '').toLowerCase()
  const expected = info?.tenant_id ?? undefined
  if (cause?.haloCode === 'invalid_scope') {
    return problem(
      'token',
      'scope_refused',
      `Halo refused the scope "${SCOPE}" (${said(error)})`,
      `allow ${APPLICATION} the "${SCOPE}" permission: halo-hooks asks for it`,
    )
  }
  if (cause?.haloCode === 'invalid_client') {
    if (
      description.includes('tenant') ||
      (expected !== undefined && target.tenant !== undefined && expected !== target.tenant)
    ) {
      return problem(
        'tenant',
        'tenant_wrong',
        `Halo refused the tenant "${target.tenant ?? ''}"` +
          (expected ? ` (this instance's /api/authinfo names "${expected}")` : '') +
          ` (${said(error)})`,
        expected
          ? `set ${target.from.tenant} to "${expected}", or remove it: halo-hooks then reads it from /api/authinfo`
          : `set ${target.from.tenant} to your hosted Halo's tenant (the name in ?tenant= of its API details)`,
      )
    }
    if (description.includes('client_id')) {
      return problem(
        'token',
        'client_id_unknown',
        `Halo does not know the client id (${said(error)})`,
        `set ${target.from.clientId} to the Client ID of ${APPLICATION}, as shown after saving it ` +
          '(it may change on the first save)',
      )
    }
    if (description.includes('credentials') || description.includes('secret')) {
      return problem(
        'token',
        'secret_wrong',
        `Halo knows the client id but refused the secret (${said(error)})`,
        `set ${target.from.clientSecret} to the Client Secret of ${APPLICATION}; ` +
          'Halo shows a secret only once, so make a new one if it is lost',
      )
    }
    return problem(
      'token',
      'credentials_refused',
      `Halo refused the client id or secret (${said(error)})`,
      `check ${target.from.clientId} and ${target.from.clientSecret} against ${APPLICATION}`,
    )
  }
  if (cause?.retryable !== false) {
    return problem(
      'token',
      'token_failed',
      `no token from Halo's auth server (${said(error)})`,
      "Halo or the way to it failed; try again in a few minutes, and check Halo's status if it persists",
    )
  }
  return problem(
    'token',
    'token_refused',
    `Halo refused the token request (${said(error)})`,
    `check ${target.from.clientId}, ${target.from.clientSecret}, ${target.from.tenant} and ${APPLICATION}`,
  )
}

/** A problem with the scopes Halo granted, or undefined when they include what we asked for. */
const grantedScopeProblem = (grant: HaloGrant): DoctorFinding | undefined => {
  const granted = grant.grantedScope?.split(/\s+/).filter(Boolean)
  if (granted === undefined || granted.includes(SCOPE)) return undefined
  return problem(
    'token',
    'scope_missing',
    `Halo granted only "${grant.grantedScope}", not "${SCOPE}": some calls will be refused (403)`,
    `allow ${APPLICATION} the "${SCOPE}" permission`,
  )
}

/**
 * Asks Halo for a token as the gateway would and says whether it worked: one finding, `ok` or the
 * problem from {@link diagnoseToken}. What `npm start` checks before it serves.
 */
export const checkHaloCredentials = async (
  halo: Pick<HaloClient, 'grant'>,
  target: HaloTarget,
): Promise<DoctorFinding> => {
  try {
    const grant = await halo.grant()
    return grantedScopeProblem(grant) ?? ok('token', `Halo issued a token for scope "${SCOPE}"`)
  } catch (error) {
    return diagnoseToken(error, target)
  }
}

/** Problems that make Halo refuse every request: deliveries are parked, not retried. */
const REFUSALS = new Set([
  'url_not_halo',
  'tenant_wrong',
  'client_id_unknown',
  'secret_wrong',
  'credentials_refused',
  'scope_refused',
  'token_refused',
])

/**
 * What `npm start` prints after its banner about {@link checkHaloCredentials}: one line when Halo
 * took the credentials, a block nobody can miss when it did not, naming the fix.
 */
export const startupLines = (finding: DoctorFinding): string[] => {
  if (finding.status === 'ok')
    return [`  check:   ${finding.detail} (npm run doctor checks the routes)`]
  const effect = REFUSALS.has(finding.code ?? '')
    ? 'every alert will be parked (config_invalid) until this is fixed'
    : 'deliveries will be retried until Halo answers'
  return [
    '',
    `  !! HALO PROBLEM: ${finding.check}: ${finding.detail} [${finding.code}]`,
    `  !! ${effect}`,
    `  !! fix: ${finding.fix}; then restart npm start (npm run doctor checks everything)`,
    '',
  ]
}

// ── Halo-wide checks: URL, tenant, token, agent ─────────────────────────────────────────────────

type AccessResult = { findings: DoctorFinding[]; agent?: HaloAgent; usable: boolean }

const checkAccess = async (halo: HaloClient, target: HaloTarget): Promise<AccessResult> => {
  const findings: DoctorFinding[] = []
  let info: HaloAuthInfo | undefined
  let authInfoFailure: unknown
  try {
    info = await halo.authInfo()
  } catch (error) {
    if (isUnreachable(error)) return { findings: [unreachable(error, target)], usable: false }
    if (haloCause(error)?.kind === 'invalid_response') {
      const finding = problem(
        'Halo URL',
        'url_not_halo',
        `${target.url} is not Halo: ${said(error)}`,
        urlFix(target),
      )
      return { findings: [finding], usable: false }
    }
    // An older Halo has no /api/authinfo; the token request decides.
    authInfoFailure = error
  }

  let grant: HaloGrant
  try {
    grant = await halo.grant()
  } catch (error) {
    if (authInfoFailure !== undefined && haloCause(error)?.haloCode === undefined) {
      // Halo's auth server answers a refusal in OAuth's words; neither endpoint did.
      const finding = problem(
        'Halo URL',
        'url_not_halo',
        `${target.url} is not Halo: neither /api/authinfo (${said(authInfoFailure)}) nor /auth/token (${said(error)}) answers as Halo does`,
        urlFix(target),
      )
      return { findings: [finding], usable: false }
    }
    const verdict = diagnoseToken(error, target, info)
    if (verdict.check !== 'Halo URL') {
      findings.push(
        ok(
          'Halo URL',
          info
            ? `${target.url} answers as Halo`
            : `${target.url} answers (no /api/authinfo: ${said(authInfoFailure)})`,
        ),
      )
    }
    if (verdict.check === 'token') findings.push(tenantVerdict(target, info, 'unknown'))
    findings.push(verdict)
    return { findings, usable: false }
  }
  findings.push(
    ok(
      'Halo URL',
      info
        ? `${target.url} answers as Halo`
        : `${target.url} answers as Halo (an older one, without /api/authinfo)`,
    ),
  )
  findings.push(tenantVerdict(target, info, grant.tenant))
  findings.push(
    grantedScopeProblem(grant) ??
      ok('token', `Halo issued a token for scope "${SCOPE}" at ${grant.tokenUrl}`),
  )

  try {
    const agent = await halo.currentAgent()
    const teams = (agent.teams ?? []).map((team) => team.team_name).filter(Boolean)
    const who = `"${agent.name ?? '?'}" (id ${agent.id})`
    findings.push(
      agent.isdisabled
        ? problem(
            'agent',
            'agent_disabled',
            `the API application acts as agent ${who}, which is disabled`,
            `enable that agent, or choose an enabled one as "Agent to log in as" in ${APPLICATION}`,
          )
        : ok(
            'agent',
            `acts as agent ${who}` +
              (agent.isapiagent === false
                ? ', a licensed agent (Halo recommends an API-only one)'
                : '') +
              (teams.length ? `, member of ${teams.join(', ')}` : ', in no team'),
          ),
    )
    return { findings, agent, usable: true }
  } catch (error) {
    findings.push(
      problem(
        'agent',
        'agent_unreadable',
        `cannot read the agent the API acts as (GET /Agent/me: ${said(error)})`,
        `check "Agent to log in as" in ${APPLICATION}`,
      ),
    )
    return { findings, usable: true }
  }
}

/** The tenant line: what was sent and whether Halo took it. */
const tenantVerdict = (
  target: HaloTarget,
  info: HaloAuthInfo | undefined,
  sent: string | undefined,
): DoctorFinding => {
  if (target.tenant) {
    return ok(
      'tenant',
      sent === 'unknown'
        ? `"${target.tenant}" (${target.from.tenant})`
        : `"${target.tenant}" (${target.from.tenant}) accepted`,
    )
  }
  if (info?.tenant_id) return ok('tenant', `"${info.tenant_id}", read from /api/authinfo`)
  return ok('tenant', 'none (this Halo does not name one)')
}

// ── per-route checks ────────────────────────────────────────────────────────────────────────────

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
  }
}

type Reads = ReturnType<typeof createReads>

const isMissing = (error: unknown) => haloCause(error)?.status === 404

/** A read that failed for another reason than a missing record. */
const readFailed = (check: string, route: string, error: unknown): DoctorFinding =>
  problem(
    check,
    haloCause(error)?.status === 403 ? 'read_forbidden' : 'halo_read_failed',
    `could not read it from Halo (${said(error)})`,
    haloCause(error)?.status === 403
      ? `allow ${APPLICATION} the "${SCOPE}" permission and give its agent access to it`
      : 'run npm run doctor again; if it persists, check Halo',
    route,
  )

/** The literal ticket fields of a route and where each lives in the config. */
const routeFacts = (name: string, route: Route) => {
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
  return { ticket, at, clients }
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

const ticketTypeChecks = async (
  reads: Reads,
  name: string,
  route: Route,
): Promise<{ findings: DoctorFinding[]; type?: HaloTicketType }> => {
  const { ticket, at } = routeFacts(name, route)
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
        isMissing(read.error)
          ? problem(
              check,
              'ticket_type_unknown',
              `ticket type ${id} does not exist in Halo`,
              `set ${at('ticket.tickettype_id')} to the id of a ticket type (Halo: Configuration > Tickets > Ticket Types)`,
              name,
            )
          : readFailed(check, name, read.error),
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

const clientAndSiteChecks = async (
  reads: Reads,
  name: string,
  route: Route,
): Promise<DoctorFinding[]> => {
  const { ticket, at, clients } = routeFacts(name, route)
  const findings: DoctorFinding[] = []
  for (const [id, where] of clients) {
    const check = `client ${id}`
    const read = await reads.client(id)
    if (!read.ok) {
      findings.push(
        isMissing(read.error)
          ? problem(
              check,
              'client_unknown',
              `client ${id} (${where.join(', ')}) does not exist in Halo`,
              `set ${where[0]} to the id of an existing client`,
              name,
            )
          : readFailed(check, name, read.error),
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
        isMissing(read.error)
          ? problem(
              check,
              'site_unknown',
              `site ${siteId} does not exist in Halo`,
              `set ${at('ticket.site_id')} to the id of an existing site`,
              name,
            )
          : readFailed(check, name, read.error),
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
  reads: Reads,
  name: string,
  route: Route,
  type: HaloTicketType | undefined,
): Promise<DoctorFinding[]> => {
  const { ticket, at } = routeFacts(name, route)
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

const teamCheck = async (
  reads: Reads,
  name: string,
  route: Route,
  agent: HaloAgent | undefined,
): Promise<DoctorFinding[]> => {
  const { ticket, at } = routeFacts(name, route)
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

const statusChecks = async (reads: Reads, name: string, route: Route): Promise<DoctorFinding[]> => {
  const { ticket, at } = routeFacts(name, route)
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
    if (!all.ok || !open.ok) {
      findings.push(
        readFailed(check, name, all.ok ? (open.ok ? undefined : open.error) : all.error),
      )
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

const outcomeCheck = async (
  reads: Reads,
  name: string,
  route: Route,
  agent: HaloAgent | undefined,
): Promise<DoctorFinding[]> => {
  const wanted = route.lifecycle.outcome
  const where = `routes.${name}.lifecycle.outcome`
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

const lookupChecks = async (reads: Reads, name: string, route: Route): Promise<DoctorFinding[]> => {
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
  ]
  for (const lookup of lookups) {
    if (!lookup) continue
    const result = await lookup.read()
    if (result.ok) {
      findings.push(ok(lookup.check, `can ${lookup.what}`, name))
      continue
    }
    const forbidden = haloCause(result.error)?.status === 403
    findings.push(
      problem(
        lookup.check,
        forbidden ? 'lookup_forbidden' : 'halo_read_failed',
        `cannot ${lookup.what} (${said(result.error)}): ${lookup.effect}`,
        forbidden
          ? `allow ${APPLICATION} the "${SCOPE}" permission, and its agent access to clients and assets`
          : 'run npm run doctor again; if it persists, check Halo',
        name,
      ),
    )
  }
  return findings
}

const checkRoute = async (
  reads: Reads,
  name: string,
  route: Route,
  agent: HaloAgent | undefined,
): Promise<DoctorFinding[]> => {
  const { findings, type } = await ticketTypeChecks(reads, name, route)
  return [
    ...findings,
    ...(await clientAndSiteChecks(reads, name, route)),
    ...(await priorityCheck(reads, name, route, type)),
    ...(await teamCheck(reads, name, route, agent)),
    ...(await statusChecks(reads, name, route)),
    ...(await outcomeCheck(reads, name, route, agent)),
    ...(await lookupChecks(reads, name, route)),
  ]
}

// ── the write test ──────────────────────────────────────────────────────────────────────────────

/** The summary of the one ticket `--write-test` creates. */
export const WRITE_TEST_SUMMARY = 'halo-hooks doctor write test — safe to delete'

/** The route's fixed ticket fields: what every ticket of the route carries whatever the alert. */
const fixedTicketFields = (route: Route): Partial<HaloTicketInput> => {
  const ticket = route.ticket as Record<string, unknown>
  const fields: Record<string, unknown> = {}
  for (const key of ['tickettype_id', 'client_id', 'site_id', 'priority_id'] as const) {
    const value = fixedInt(ticket[key])
    if (value !== undefined) fields[key] = value
  }
  for (const key of ['team', 'category_1', 'category_2', 'category_3', 'category_4'] as const) {
    const value = fixedText(ticket[key])
    if (value !== undefined) fields[key] = value
  }
  if (Array.isArray(ticket.customfields) && !JSON.stringify(ticket.customfields).includes('{%')) {
    fields.customfields = ticket.customfields
  }
  if (fields.client_id === undefined) {
    const routed = route.tenant.fallbackClientId ?? Object.values(route.tenant.clients)[0]
    if (routed !== undefined) fields.client_id = routed
  }
  return fields as Partial<HaloTicketInput>
}

const writeTest = async (
  halo: HaloClient,
  name: string,
  route: Route,
  now: () => Date,
): Promise<DoctorFinding> => {
  const check = 'write test'
  const { outcome, closedStatusId } = route.lifecycle
  let ticketId: number | undefined
  let step = 'create the ticket'
  try {
    const ticket = await halo.createTicket({
      ...fixedTicketFields(route),
      summary: WRITE_TEST_SUMMARY,
      details:
        `Created by npm run doctor -- --write-test at ${now().toISOString()} with the fixed ` +
        `fields of route "${name}", to prove halo-hooks can create, note and close its tickets. ` +
        'Safe to delete.',
    })
    ticketId = ticket.id
    step = `add a note with outcome "${outcome}"`
    await halo.addAction({
      ticket_id: ticket.id,
      outcome,
      note: 'halo-hooks doctor write test: a private note as the route adds one.',
      hiddenfromuser: true,
    })
    step = `close it with status ${closedStatusId}`
    await halo.addAction({
      ticket_id: ticket.id,
      outcome,
      note: 'halo-hooks doctor write test: closing, as the route closes a resolved alert.',
      hiddenfromuser: true,
      new_status: closedStatusId,
    })
    return ok(
      check,
      `created ticket ${ticket.id}, noted it with "${outcome}" and closed it with status ${closedStatusId} (safe to delete)`,
      name,
    )
  } catch (error) {
    return problem(
      check,
      'write_test_failed',
      `could not ${step}: ${said(error)}` +
        (ticketId === undefined ? '' : ` (ticket ${ticketId} was created: delete it in Halo)`),
      'fix what Halo names, then run npm run doctor -- --write-test again',
      name,
    )
  }
}

// ── the whole run ───────────────────────────────────────────────────────────────────────────────

export type DoctorOptions = {
  /** A client built with the settings the gateway or the stack uses. */
  halo: HaloClient
  target: HaloTarget
  config: CompiledConfig
  /** Create, note and close one clearly labelled ticket through this route. @default no writes */
  writeTest?: { route: string } | undefined
  now?: () => Date
}

/** Every check's verdict, in order, how many problems, and whether the write test ran. */
export type DoctorReport = { findings: DoctorFinding[]; problems: number; wrote: boolean }

/**
 * Checks, in order and without writing anything, that Halo answers at the URL, takes the tenant
 * and credentials, which agent the API acts as, and, for every route, that each fixed id its
 * templates send exists and is usable, the ticket type's mandatory fields are set, and the lookups
 * its tenant policy makes are allowed. With `writeTest`, and only when all of that is ok, it then
 * creates one labelled ticket through that route's fixed fields, notes it and closes it.
 */
export const runHaloDoctor = async (options: DoctorOptions): Promise<DoctorReport> => {
  const { halo, target, config } = options
  const access = await checkAccess(halo, target)
  const findings = [...access.findings]
  if (access.usable) {
    const reads = createReads(halo)
    for (const [name, route] of Object.entries(config.config.routes)) {
      findings.push(...(await checkRoute(reads, name, route, access.agent)))
    }
  }
  const write = options.writeTest
  let wrote = false
  if (write && access.usable && !findings.some((f) => f.status === 'problem')) {
    const route = config.config.routes[write.route]
    if (!route) {
      findings.push(
        problem(
          'write test',
          'route_unknown',
          `no route "${write.route}"`,
          `name one of: ${Object.keys(config.config.routes).join(', ')}`,
        ),
      )
    } else {
      wrote = true
      findings.push(await writeTest(halo, write.route, route, options.now ?? (() => new Date())))
    }
  }
  return { findings, problems: findings.filter((f) => f.status === 'problem').length, wrote }
}

const LABEL = { ok: 'ok     ', problem: 'problem', fix: 'fix    ' } as const

/** One finding as `ok` / `problem` lines, with a `fix` line under a problem. */
export const formatFinding = (finding: DoctorFinding, indent = '  '): string[] => {
  // A detail of several lines (every issue of a config) stays under its label.
  const hang = (text: string) => text.replaceAll('\n', `\n${indent}${' '.repeat(9)}`)
  return [
    `${indent}${LABEL[finding.status]}  ${finding.check}: ${hang(finding.detail)}` +
      (finding.code ? ` [${finding.code}]` : ''),
    ...(finding.fix ? [`${indent}${LABEL.fix}  ${hang(finding.fix)}`] : []),
  ]
}

/** The report as lines: the Halo-wide checks, then each route's, then a verdict. */
export const formatReport = (report: DoctorReport): string[] => {
  const { wrote } = report
  const lines: string[] = []
  let route: string | undefined
  for (const finding of report.findings) {
    if (finding.route !== route) {
      route = finding.route
      if (route !== undefined) lines.push(`route ${route}`)
    }
    lines.push(...formatFinding(finding))
  }
  if (!report.findings.some((f) => f.route !== undefined) && report.problems > 0) {
    lines.push('  (the routes were not checked: they need a working token)')
  }
  lines.push(
    report.problems > 0
      ? `${report.problems} problem${report.problems === 1 ? '' : 's'} found${wrote ? '' : '; nothing was written to Halo'}`
      : wrote
        ? 'everything ok, and the write test passed'
        : 'everything ok; nothing was written to Halo (--write-test creates, notes and closes one test ticket)',
  )
  return lines
}
