import { randomBytes } from 'node:crypto'
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { renderBoardPage } from './board-page.js'
import { createFaultInjector, type SandboxFaults } from './faults.js'
import { bindingErrors, coerceField } from './model-binding.js'
import { CLOSED_STATUS_ID, createSeed, type SandboxRecord, type SandboxSeed } from './seed.js'

/** Credentials the sandbox accepts out of the box. Not a secret: it only guards a local emulator. */
export const SANDBOX_CREDENTIALS = {
  clientId: 'halo-hooks-local',
  clientSecret: 'local-sandbox-secret',
} as const

/** Hosted Halo's limit and message: about 300 requests per rolling five minutes per instance. */
export type SandboxRateLimit = {
  limit: number
  windowMs: number
  /** Send `Retry-After` with a 429. Halo is not known to send it. @default false */
  retryAfter?: boolean
}

export type HaloSandboxOptions = {
  /** @default SANDBOX_CREDENTIALS */
  credentials?: { clientId: string; clientSecret: string }
  /** When set, token requests must carry `?tenant=` with this value, as on hosted Halo. */
  tenant?: string
  /** Lifetime of issued tokens in seconds; make it short to exercise renewal. @default 3600 */
  tokenLifetimeSeconds?: number
  /** Rate limiting like hosted Halo. @default off */
  rateLimit?: SandboxRateLimit
  /** Fault injection, also settable later through `setFaults` or `PUT /sandbox/faults`. */
  faults?: SandboxFaults
  /** Clock in ms since epoch, for token expiry, rate windows and dates. @default Date.now */
  now?: () => number
  /** Starting data; `reset()` returns to it. @default a small MSP, see seed.ts */
  seed?: () => SandboxSeed
  /** Name recorded as `actionby_application_id` on actions, like Halo's API application. */
  applicationName?: string
  /** How long a `hang` drop holds the connection open, in ms. @default 30_000 */
  hangMs?: number
}

/** One request the sandbox answered (`at` = arrival, ms since epoch), for tests and benchmarks. */
export type SandboxRequestLog = { method: string; path: string; status: number; at: number }

type Collection = keyof SandboxSeed
type ListShape = { collection: Collection; envelope?: string }

// Envelopes as real Halo sends them (fact sheet §2.3): an object for tickets, actions, clients,
// sites, users and assets; a plain array for the configuration lists.
const LISTS: Record<string, ListShape> = {
  client: { collection: 'clients', envelope: 'clients' },
  site: { collection: 'sites', envelope: 'sites' },
  users: { collection: 'users', envelope: 'users' },
  asset: { collection: 'assets', envelope: 'assets' },
  tickettype: { collection: 'tickettypes' },
  status: { collection: 'statuses' },
  priority: { collection: 'priorities' },
  outcome: { collection: 'outcomes' },
  agent: { collection: 'agents' },
  team: { collection: 'teams' },
  lookup: { collection: 'lookups' },
}

const INT_PARAMS = new Set([
  'agent_id',
  'asset_id',
  'assettype_id',
  'client_id',
  'count',
  'lookupid',
  'outcome_id',
  'page_no',
  'page_size',
  'requesttype_id',
  'site_id',
  'slaid',
  'status_id',
  'third_party_id',
  'ticket_id',
  'tickettype_id',
  'toplevel_id',
  'user_id',
])

/** Halo documents 100 as the largest ticket page; larger requests are cut to it. */
const MAX_TICKET_PAGE = 100
const DEFAULT_PAGE = 50

type HttpError = { status: ContentfulStatusCode; body: unknown }

const exception = (message: string, status: ContentfulStatusCode = 400): HttpError => ({
  status,
  // The shape of a serialised .NET exception, as Halo answers business-rule failures.
  body: { ClassName: 'System.Exception', Message: message, Data: null, InnerException: null },
})

const isTrue = (value: string | undefined) => value !== undefined && /^(true|1)$/i.test(value)

const clone = <T>(value: T): T => structuredClone(value)

/**
 * An in-memory Halo for local runs and tests: the auth server, the API resources halo-hooks uses
 * with Halo's envelopes, paging, create-or-update POSTs and error shapes, rate limiting and fault
 * injection, plus a ticket board page and an admin API under `/sandbox`.
 *
 * Mount it anywhere: `parent.route('/halo', sandbox.app)` serves the token at `/halo/auth/token`,
 * the API at `/halo/api/...` and the board at `/halo/`.
 */
export const createHaloSandbox = (options: HaloSandboxOptions = {}) => {
  const now = options.now ?? Date.now
  const credentials = options.credentials ?? SANDBOX_CREDENTIALS
  const seed = options.seed ?? createSeed
  const applicationName = options.applicationName ?? credentials.clientId
  const hangMs = options.hangMs ?? 30_000

  let lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600
  let rateLimit: SandboxRateLimit | undefined = options.rateLimit
  let collections: SandboxSeed = seed()
  let tickets = new Map<number, SandboxRecord & { id: number }>()
  let actions = new Map<number, (SandboxRecord & { id: number })[]>()
  let nextTicketId = 1001
  const tokens = new Map<string, number>()
  const rateWindow: number[] = []
  const log: SandboxRequestLog[] = []
  const faults = createFaultInjector(options.faults)
  const hanging = new Set<() => void>()

  const releaseHangs = () => {
    for (const release of hanging) release()
    hanging.clear()
  }

  const reset = () => {
    collections = seed()
    tickets = new Map()
    actions = new Map()
    nextTicketId = 1001
    tokens.clear()
    rateWindow.length = 0
    log.length = 0
    faults.set(options.faults ?? {})
    rateLimit = options.rateLimit
    lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600
    releaseHangs()
  }

  const iso = () => new Date(now()).toISOString()
  const findIn = (collection: Collection, id: unknown) =>
    collections[collection].find((r) => String(r.id) === String(id))
  const nameOf = (collection: Collection, id: unknown, field = 'name') => {
    const record = id === undefined || id === null ? undefined : findIn(collection, id)
    return (record?.[field] as string | undefined) ?? null
  }
  const isClosedStatus = (statusId: unknown) =>
    Number(statusId) === CLOSED_STATUS_ID || findIn('statuses', statusId)?.type === 1

  // ---- tickets ---------------------------------------------------------------------------

  /** Derived fields Halo fills in on every save: names for ids, and the closed state. */
  const decorateTicket = (ticket: SandboxRecord & { id: number }, previousStatus: unknown) => {
    ticket.client_name = nameOf('clients', ticket.client_id)
    ticket.site_name = nameOf('sites', ticket.site_id)
    ticket.user_name = nameOf('users', ticket.user_id) ?? ticket.user_name ?? null
    ticket.status_name = nameOf('statuses', ticket.status_id)
    ticket.tickettype_name = nameOf('tickettypes', ticket.tickettype_id)
    ticket.agent_name = nameOf('agents', ticket.agent_id)
    ticket.last_update = iso()
    const closed = isClosedStatus(ticket.status_id)
    if (closed && !isClosedStatus(previousStatus)) {
      ticket.hasbeenclosed = true
      ticket.dateclosed = iso()
    } else if (!closed) {
      // Reopening clears the flag: integrations read `hasbeenclosed` as "is closed now".
      ticket.hasbeenclosed = false
    }
  }

  const saveTicket = (input: Record<string, unknown>): SandboxRecord & { id: number } => {
    const fields = Object.fromEntries(
      Object.entries(input).map(([k, v]) => [k, coerceField('tickets', k, v)]),
    )
    if (fields.id !== undefined && fields.id !== null && Number(fields.id) > 0) {
      const existing = tickets.get(Number(fields.id))
      if (!existing) throw exception(`Ticket ${fields.id} does not exist.`)
      const previousStatus = existing.status_id
      Object.assign(existing, fields, { id: existing.id })
      decorateTicket(existing, previousStatus)
      return existing
    }
    const tickettypeId = fields.tickettype_id ?? 1
    const type = findIn('tickettypes', tickettypeId)
    const site =
      fields.site_id ?? collections.sites.find((s) => s.client_id === fields.client_id)?.id
    const ticket: SandboxRecord & { id: number } = {
      ...fields,
      id: nextTicketId++,
      summary: fields.summary ?? '',
      details: fields.details ?? '',
      tickettype_id: tickettypeId,
      status_id: fields.status_id ?? type?.initial_status ?? 1,
      priority_id: fields.priority_id ?? 3,
      client_id: fields.client_id ?? 1,
      site_id: site ?? null,
      user_id: fields.user_id ?? null,
      agent_id: fields.agent_id ?? null,
      team: fields.team ?? null,
      third_party_id_string: fields.third_party_id_string ?? null,
      dateoccurred: iso(),
      datecreated: iso(),
      hasbeenclosed: false,
      dateclosed: null,
      source: fields.source ?? 1,
    }
    decorateTicket(ticket, undefined)
    tickets.set(ticket.id, ticket)
    actions.set(ticket.id, [])
    return ticket
  }

  const ticketFilters = (q: Record<string, string>) => {
    const tests: ((t: SandboxRecord) => boolean)[] = []
    const eq = (param: string, field = param) => {
      if (q[param] !== undefined) tests.push((t) => String(t[field]) === q[param])
    }
    for (const field of [
      'client_id',
      'site_id',
      'user_id',
      'agent_id',
      'status_id',
      'third_party_id',
    ])
      eq(field)
    eq('requesttype_id', 'tickettype_id')
    if (q.third_party_id_string !== undefined) {
      tests.push((t) => t.third_party_id_string === q.third_party_id_string)
    }
    if (q.asset_id !== undefined) {
      tests.push((t) =>
        Array.isArray(t.assets)
          ? t.assets.some((a: { id?: unknown }) => String(a?.id) === q.asset_id)
          : false,
      )
    }
    if (isTrue(q.open_only)) tests.push((t) => !isClosedStatus(t.status_id))
    if (isTrue(q.closed_only)) tests.push((t) => isClosedStatus(t.status_id))
    const contains = (param: string, fields: string[]) => {
      const needle = q[param]?.toLowerCase()
      if (needle)
        tests.push((t) =>
          fields.some((f) =>
            String(t[f] ?? '')
              .toLowerCase()
              .includes(needle),
          ),
        )
    }
    contains('search', ['id', 'summary', 'details', 'user_name', 'client_name'])
    contains('search_summary', ['summary'])
    return (t: SandboxRecord) => tests.every((test) => test(t))
  }

  // ---- generic lists ---------------------------------------------------------------------

  const ordered = (rows: SandboxRecord[], q: Record<string, string>) => {
    if (!q.order) return rows
    const field = q.order
    const sign = isTrue(q.orderdesc) ? -1 : 1
    return [...rows].sort((a, b) => {
      const x = a[field] as string | number
      const y = b[field] as string | number
      return x === y ? 0 : x > y ? sign : -sign
    })
  }

  /** Halo's paging: opt-in with `pageinate`, 1-based `page_no`; `count` limits when not paging. */
  const paged = (rows: SandboxRecord[], q: Record<string, string>, maxPage?: number) => {
    if (isTrue(q.pageinate)) {
      const size = Math.min(
        Number(q.page_size ?? DEFAULT_PAGE) || DEFAULT_PAGE,
        maxPage ?? Infinity,
      )
      const pageNo = Math.max(1, Number(q.page_no ?? 1) || 1)
      return {
        rows: rows.slice((pageNo - 1) * size, pageNo * size),
        paging: { page_no: pageNo, page_size: size },
      }
    }
    const count = q.count === undefined ? undefined : Number(q.count)
    return { rows: count === undefined ? rows : rows.slice(0, count), paging: undefined }
  }

  const genericFilter = (resource: string, q: Record<string, string>) => {
    const tests: ((r: SandboxRecord) => boolean)[] = []
    for (const field of [
      'client_id',
      'site_id',
      'toplevel_id',
      'assettype_id',
      'lookupid',
      'slaid',
    ]) {
      if (q[field] !== undefined) tests.push((r) => String(r[field]) === q[field])
    }
    if (q.inventory_number) {
      const tag = q.inventory_number.toLowerCase()
      tests.push((r) =>
        String(r.inventory_number ?? '')
          .toLowerCase()
          .includes(tag),
      )
    }
    if (q.search) {
      const needle = q.search.toLowerCase()
      tests.push((r) =>
        Object.values(r).some((v) => typeof v === 'string' && v.toLowerCase().includes(needle)),
      )
    }
    if (['client', 'site', 'users', 'asset'].includes(resource) && !isTrue(q.includeinactive)) {
      tests.push((r) => r.inactive !== true)
    }
    if (resource === 'status' && isTrue(q.excludeclosed)) tests.push((r) => r.type !== 1)
    if (resource === 'agent') {
      if (q.team) tests.push((r) => r.team === q.team)
      if (!isTrue(q.includedisabled)) tests.push((r) => r.isdisabled !== true)
    }
    if (resource === 'tickettype' && !isTrue(q.showinactive)) tests.push((r) => r.inactive !== true)
    return (r: SandboxRecord) => tests.every((test) => test(r))
  }

  const saveGeneric = (
    resource: string,
    collection: Collection,
    input: Record<string, unknown>,
  ) => {
    const fields = Object.fromEntries(
      Object.entries(input).map(([k, v]) => [k, coerceField(resource, k, v)]),
    )
    const rows = collections[collection]
    const sameKey = (r: SandboxRecord) =>
      String(r.id) === String(fields.id) &&
      (resource !== 'lookup' || String(r.lookupid) === String(fields.lookupid))
    const existing = fields.id !== undefined && fields.id !== null ? rows.find(sameKey) : undefined
    if (existing) {
      Object.assign(existing, fields, { id: existing.id })
      return existing
    }
    if (
      fields.id !== undefined &&
      fields.id !== null &&
      Number(fields.id) > 0 &&
      resource !== 'lookup'
    ) {
      throw exception(`The ${resource} record ${fields.id} does not exist.`)
    }
    const id =
      resource === 'priority'
        ? crypto.randomUUID()
        : Math.max(0, ...rows.map((r) => Number(r.id) || 0)) + 1
    const record: SandboxRecord = { ...fields, id }
    rows.push(record)
    return record
  }

  // ---- actions ---------------------------------------------------------------------------

  const saveAction = (input: Record<string, unknown>) => {
    const fields = Object.fromEntries(
      Object.entries(input).map(([k, v]) => [k, coerceField('actions', k, v)]),
    )
    const ticketId = Number(fields.ticket_id)
    if (!fields.ticket_id || !Number.isInteger(ticketId)) {
      throw exception('Please select a valid Ticket for this Action.')
    }
    const ticket = tickets.get(ticketId)
    if (!ticket) throw exception(`Ticket ${ticketId} does not exist.`)
    const list = actions.get(ticketId) ?? []
    if (fields.id !== undefined && fields.id !== null && Number(fields.id) > 0) {
      const existing = list.find((a) => a.id === Number(fields.id))
      if (!existing)
        throw exception(`Action ${fields.id} does not exist on ticket ${ticketId}.`, 404)
      Object.assign(existing, fields, { id: existing.id, ticket_id: ticketId })
      return existing
    }
    const outcome =
      fields.outcome_id !== undefined && fields.outcome_id !== null
        ? findIn('outcomes', fields.outcome_id)
        : typeof fields.outcome === 'string' && fields.outcome.trim() !== ''
          ? collections.outcomes.find(
              (o) =>
                String(o.outcome).toLowerCase() === String(fields.outcome).trim().toLowerCase(),
            )
          : undefined
    if (
      (fields.outcome_id === undefined || fields.outcome_id === null) &&
      (typeof fields.outcome !== 'string' || fields.outcome.trim() === '')
    ) {
      throw exception('An Outcome must be entered for this Action')
    }
    // Halo answers this when the API agent may not use the outcome; an unknown one looks the same.
    if (!outcome) throw exception('You do not have access to this Action at the moment')

    const oldStatus = ticket.status_id
    const action: SandboxRecord & { id: number } = {
      ...fields,
      // Action ids are numbered per ticket, continuing from the highest one.
      id: Math.max(0, ...list.map((a) => a.id)) + 1,
      ticket_id: ticketId,
      outcome: outcome.outcome,
      outcome_id: outcome.id,
      note:
        fields.note ??
        (typeof fields.note_html === 'string' ? fields.note_html.replace(/<[^>]*>/g, '') : ''),
      hiddenfromuser: fields.hiddenfromuser ?? false,
      datetime: iso(),
      who: applicationName,
      actionby_application_id: applicationName,
      old_status: oldStatus,
    }
    if (fields.new_status !== undefined && fields.new_status !== null) {
      if (!findIn('statuses', fields.new_status))
        throw exception(`Status ${fields.new_status} does not exist.`)
      ticket.status_id = Number(fields.new_status)
      action.new_status_name = nameOf('statuses', fields.new_status)
      decorateTicket(ticket, oldStatus)
    }
    ticket.lastactiondate = action.datetime
    list.push(action)
    actions.set(ticketId, list)
    return action
  }

  // ---- HTTP ------------------------------------------------------------------------------

  const app = new Hono()

  /** `METHOD /api/...` in lower case, without the mount prefix, for logs and fault matching. */
  const labelOf = (c: Context) => {
    const path = c.req.path.toLowerCase()
    const at = Math.max(path.lastIndexOf('/api/'), path.lastIndexOf('/auth/'))
    return `${c.req.method.toLowerCase()} ${at >= 0 ? path.slice(at) : path}`
  }

  /** Rate limit, faults and latency, in front of everything Halo itself would serve. */
  const gate: MiddlewareHandler = async (c, next) => {
    const label = labelOf(c)
    const arrivedAt = now() // logs keep arrival time: that is what a rolling window counts
    const latency = faults.latency()
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency))

    if (rateLimit) {
      const at = now()
      while (rateWindow.length > 0 && (rateWindow[0] ?? 0) <= at - rateLimit.windowMs)
        rateWindow.shift()
      if (rateWindow.length >= rateLimit.limit) {
        const minutes = Math.round(rateLimit.windowMs / 60_000)
        if (rateLimit.retryAfter) {
          const waitMs = (rateWindow[0] ?? at) + rateLimit.windowMs - at
          c.header('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))))
        }
        log.push({ method: c.req.method, path: label, status: 429, at: arrivedAt })
        return c.text(
          `Rate Limit Reached - ${rateLimit.limit} Requests per rolling ${minutes} minute window`,
          429,
        )
      }
      rateWindow.push(at)
    }

    const fault = faults.before(label)
    if (fault.kind === 'status') {
      log.push({ method: c.req.method, path: label, status: fault.status, at: arrivedAt })
      const headers: Record<string, string> = { 'content-type': fault.contentType }
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter
      return new Response(fault.body, { status: fault.status, headers })
    }

    await next()
    log.push({ method: c.req.method, path: label, status: c.res.status, at: arrivedAt })

    if (c.req.method !== 'GET' && c.res.ok) {
      const drop = faults.after(label)
      if (drop.kind === 'drop') {
        const socket = (c.env as { incoming?: { socket?: { destroy(): void } } } | undefined)
          ?.incoming?.socket
        if (drop.mode === 'reset' && socket) {
          socket.destroy()
          return
        }
        // No socket to cut (in-process requests) or asked to hang: hold the answer back.
        await new Promise<void>((resolve) => {
          const release = () => resolve()
          hanging.add(release)
          setTimeout(() => {
            hanging.delete(release)
            resolve()
          }, hangMs).unref?.()
        })
        c.res = c.text('Gateway Time-out', 504)
      }
    }
  }

  app.use('/auth/*', gate)
  app.use('/api/*', gate)

  // ---- auth server ------------------------------------------------------------------------

  /**
   * The sandbox's own root URL as the caller sees it. `app.route('/halo', ...)` keeps the full
   * path, but `app.mount('/halo', ...)` strips the prefix from the request; the Node request in
   * `c.env.incoming` still has the path the caller used, so prefer it when it is there.
   */
  const rootOf = (c: Context, suffix: RegExp) => {
    const url = new URL(c.req.url)
    const original = (c.env as { incoming?: { url?: string } } | undefined)?.incoming?.url
    const path = original ? new URL(original, url.origin).pathname : url.pathname
    return `${url.origin}${(suffix.test(path) ? path : url.pathname).replace(suffix, '')}`
  }

  app.get('/auth/.well-known/openid-configuration', (c) => {
    const issuer = rootOf(c, /\/\.well-known\/openid-configuration$/i)
    return c.json({
      issuer,
      token_endpoint: `${issuer}/token`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    })
  })

  app.post('/auth/token', async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
    if (form.grant_type !== 'client_credentials') {
      return c.json(
        {
          error: 'unsupported_grant_type',
          error_description: 'Only client_credentials is supported here.',
        },
        400,
      )
    }
    if (
      form.client_id !== credentials.clientId ||
      form.client_secret !== credentials.clientSecret
    ) {
      return c.json(
        {
          error: 'invalid_client',
          error_description: 'The specified client credentials are invalid.',
        },
        401,
      )
    }
    // How Halo answers a missing or wrong tenant is not documented; refusing the client is the
    // behaviour that makes a misconfiguration visible.
    if (options.tenant !== undefined && c.req.query('tenant') !== options.tenant) {
      return c.json(
        { error: 'invalid_client', error_description: 'The tenant is not valid for this client.' },
        401,
      )
    }
    const token = randomBytes(24).toString('base64url')
    tokens.set(token, now() + lifetimeSeconds * 1000)
    const scope = typeof form.scope === 'string' && form.scope ? form.scope : 'all'
    return c.json({
      access_token: token,
      token_type: 'Bearer',
      expires_in: lifetimeSeconds,
      scope,
      refresh_token: randomBytes(16).toString('base64url'),
      id_token: randomBytes(16).toString('base64url'),
    })
  })

  // ---- API --------------------------------------------------------------------------------

  const authorised = (c: Context) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(header)
    const expiresAt = match?.[1] ? tokens.get(match[1]) : undefined
    return expiresAt !== undefined && now() < expiresAt
  }

  const respond = (c: Context, result: HttpError) => c.json(result.body as object, result.status)

  const queryErrors = (q: Record<string, string>) => {
    const errors: Record<string, string[]> = {}
    for (const [key, value] of Object.entries(q)) {
      if (INT_PARAMS.has(key) && !/^-?\d+$/.test(value))
        errors[key] = [`The value '${value}' is not valid.`]
    }
    return errors
  }

  const handleApi = async (c: Context) => {
    const resource = c.req.param('resource')?.toLowerCase() ?? ''
    const id = c.req.param('id')
    const method = c.req.method

    if (resource === 'authinfo' && method === 'GET') {
      const root = rootOf(c, /\/api\/authinfo$/i)
      return c.json({
        auth_url: `${root}/auth`,
        tenant_id: options.tenant ?? null,
        has_tenant: options.tenant !== undefined,
      })
    }
    if (!authorised(c))
      return c.body(null, 401, { 'www-authenticate': 'Bearer error="invalid_token"' })

    const q = c.req.query()
    const badQuery = queryErrors(q)
    if (Object.keys(badQuery).length > 0) return c.json(badQuery, 400)

    try {
      if (method === 'POST' && id === undefined) {
        const body = await c.req.json().catch(() => undefined)
        const errors = bindingErrors(resource, body)
        if (Object.keys(errors).length > 0) return c.json(errors, 400)
        const items = body as Record<string, unknown>[]
        let saved: SandboxRecord[]
        if (resource === 'tickets') saved = items.map(saveTicket)
        else if (resource === 'actions') saved = items.map(saveAction)
        else {
          const shape = LISTS[resource]
          if (!shape) return c.text('Not Found', 404)
          saved = items.map((item) => saveGeneric(resource, shape.collection, item))
        }
        const status = resource === 'actions' ? 201 : 200
        // One element (or the last of several) unless the caller asks for all of them.
        return c.json(isTrue(q.returnall) ? clone(saved) : clone(saved.at(-1) ?? {}), status)
      }

      if (method === 'GET' && id === undefined) return list(c, resource, q)
      if (method === 'GET' && id !== undefined) return getOne(c, resource, id, q)
      if (method === 'DELETE' && id !== undefined) return deleteOne(c, resource, id, q)
      return c.text('Method Not Allowed', 405)
    } catch (error) {
      if (error && typeof error === 'object' && 'status' in error && 'body' in error) {
        return respond(c, error as HttpError)
      }
      throw error
    }
  }

  const list = (c: Context, resource: string, q: Record<string, string>) => {
    if (resource === 'tickets') {
      const matching = ordered([...tickets.values()].filter(ticketFilters(q)), q)
      const { rows, paging } = paged(matching, q, MAX_TICKET_PAGE)
      return c.json({
        ...paging,
        record_count: matching.length,
        tickets: clone(rows),
        include_children: false,
      })
    }
    if (resource === 'actions') {
      if (q.ticket_id === undefined) return respond(c, exception('Please specify a ticket_id.'))
      const ticketId = Number(q.ticket_id)
      let rows = actions.get(ticketId) ?? []
      if (isTrue(q.excludeprivate)) rows = rows.filter((a) => a.hiddenfromuser !== true)
      if (q.count !== undefined) rows = rows.slice(0, Number(q.count))
      return c.json({ ticket_id: ticketId, record_count: rows.length, actions: clone(rows) })
    }
    const shape = LISTS[resource]
    if (!shape) return c.text('Not Found', 404)
    const matching = ordered(collections[shape.collection].filter(genericFilter(resource, q)), q)
    if (!shape.envelope) return c.json(clone(matching))
    const { rows, paging } = paged(matching, q)
    return c.json({ ...paging, record_count: matching.length, [shape.envelope]: clone(rows) })
  }

  const getOne = (c: Context, resource: string, id: string, q: Record<string, string>) => {
    if (resource === 'tickets') {
      const ticket = tickets.get(Number(id))
      return ticket ? c.json(clone(ticket)) : c.text(`Ticket ${id} not found`, 404)
    }
    if (resource === 'actions') {
      const action = (actions.get(Number(q.ticket_id)) ?? []).find((a) => a.id === Number(id))
      return action ? c.json(clone(action)) : c.text('Action not found', 404)
    }
    if (resource === 'agent' && id.toLowerCase() === 'me') {
      return c.json(clone(collections.agents[0] ?? {}))
    }
    const shape = LISTS[resource]
    const record = shape ? findIn(shape.collection, id) : undefined
    return record ? c.json(clone(record)) : c.text('Not Found', 404)
  }

  const deleteOne = (c: Context, resource: string, id: string, q: Record<string, string>) => {
    if (resource === 'tickets') {
      const ticket = tickets.get(Number(id))
      if (!ticket) return c.text(`Ticket ${id} not found`, 404)
      tickets.delete(ticket.id)
      actions.delete(ticket.id)
      return c.json({ id: ticket.id })
    }
    if (resource === 'actions') {
      const rows = actions.get(Number(q.ticket_id)) ?? []
      const index = rows.findIndex((a) => a.id === Number(id))
      if (index < 0) return c.text('Action not found', 404)
      rows.splice(index, 1)
      return c.json({ id: Number(id) })
    }
    const shape = LISTS[resource]
    if (!shape) return c.text('Not Found', 404)
    const rows = collections[shape.collection]
    const index = rows.findIndex((r) => String(r.id) === id)
    if (index < 0) return c.text('Not Found', 404)
    rows.splice(index, 1)
    return c.json({ id: Number(id) || id })
  }

  app.all('/api/:resource', handleApi)
  app.all('/api/:resource/:id', handleApi)

  // ---- board page and admin API ------------------------------------------------------------

  const ticketsNewestFirst = () =>
    [...tickets.values()]
      .sort((a, b) => b.id - a.id)
      .map((t) => ({ ...clone(t), actions: clone(actions.get(t.id) ?? []) }))

  const state = () => ({
    tickets: ticketsNewestFirst(),
    faults: faults.get(),
    rateLimit: rateLimit ?? null,
    tokenLifetimeSeconds: lifetimeSeconds,
    requests: log.length,
  })

  app.get('/sandbox/state', (c) => c.json(state()))
  app.get('/sandbox/requests', (c) => c.json(clone(log)))
  app.post('/sandbox/reset', (c) => {
    reset()
    return c.json({ reset: true })
  })
  app.get('/sandbox/faults', (c) => c.json(faults.get()))
  app.put('/sandbox/faults', async (c) => {
    const body = (await c.req.json().catch(() => null)) as SandboxFaults | null
    if (!body || typeof body !== 'object')
      return c.json({ error: 'body must be a JSON object' }, 400)
    faults.set(body)
    return c.json(faults.get())
  })
  app.delete('/sandbox/faults', (c) => {
    faults.set({})
    releaseHangs()
    return c.json(faults.get())
  })
  app.put('/sandbox/rate-limit', async (c) => {
    const body = (await c.req.json().catch(() => null)) as SandboxRateLimit | null
    rateLimit = body && body.limit > 0 && body.windowMs > 0 ? body : undefined
    rateWindow.length = 0
    return c.json({ rateLimit: rateLimit ?? null })
  })
  app.post('/sandbox/tokens/expire', (c) => {
    tokens.clear()
    return c.json({ expired: true })
  })

  // The board sits at the app root. Mounted as `parent.route('/halo', app)`, Hono joins '/' to
  // '/halo', so '/halo/' would not match; a catch-all registered last finds the root itself.
  app.get('/*', (c) => {
    const prefix = c.req.routePath.replace(/\/\*$/, '')
    const rest = c.req.path.slice(prefix.length)
    // Relative links on the page need the trailing slash when the app is mounted under a prefix.
    if (rest === '') return c.redirect(`${c.req.path}/`, 302)
    if (rest !== '/' && rest !== '/index.html') return c.text('Not Found', 404)
    return c.html(
      renderBoardPage({ tickets: ticketsNewestFirst(), statuses: collections.statuses }),
    )
  })

  return {
    /** The Hono app; serve it alone or mount it with `parent.route('/halo', app)`. */
    app,
    /** Back to the seed: no tickets, no tokens; faults, rate limit and token lifetime as configured. */
    reset,
    /** Current tickets, newest first, each with its `actions`. Copies: changing them does nothing. */
    tickets: ticketsNewestFirst,
    /** Actions of one ticket, oldest first. */
    actions: (ticketId: number) => clone(actions.get(ticketId) ?? []),
    /** Replaces the fault settings (scripted faults included). */
    setFaults: (next: SandboxFaults) => faults.set(next),
    clearFaults: () => {
      faults.set({})
      releaseHangs()
    },
    /** Turns rate limiting on with these limits, or off with `undefined`. */
    setRateLimit: (next: SandboxRateLimit | undefined) => {
      rateLimit = next
      rateWindow.length = 0
    },
    /** Lifetime of tokens issued from now on. */
    setTokenLifetime: (seconds: number) => {
      lifetimeSeconds = seconds
    },
    /** Invalidates every issued token, as if each had expired. */
    expireTokens: () => tokens.clear(),
    /** Requests answered so far (auth and API), in order. */
    requests: () => clone(log),
    /** Seed and saved records of one list resource, e.g. `records('clients')`. */
    records: (collection: Collection) => clone(collections[collection]),
    /** Lets go of any responses held back by `hang` drops (call before closing a server). */
    releaseHangs,
    credentials,
  }
}

export type HaloSandbox = ReturnType<typeof createHaloSandbox>
