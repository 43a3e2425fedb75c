import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { coerceField } from './model-binding.js'
import { CLOSED_STATUS_ID, type SandboxRecord, type SandboxSeed } from './seed.js'

/** What the API answers: JSON, or plain text (Halo's 404 bodies). */
export type SandboxAnswer =
  | { status: ContentfulStatusCode; json: unknown }
  | { status: ContentfulStatusCode; text: string }

/** A record with a numeric id: tickets and actions. */
type Numbered = SandboxRecord & { id: number }

export type SandboxCollection = keyof SandboxSeed
type ListShape = { collection: SandboxCollection; envelope?: string }

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

/** Halo documents 100 as the largest ticket page; larger requests are cut to it. */
const MAX_TICKET_PAGE = 100
const DEFAULT_PAGE = 50

const ok = (json: unknown): SandboxAnswer => ({ status: 200, json })
const notFound = (text: string): SandboxAnswer => ({ status: 404, text })

/** A business-rule failure, shaped like the serialised .NET exception Halo answers with. */
export const exception = (message: string, status: ContentfulStatusCode = 400): SandboxAnswer => ({
  status,
  json: { ClassName: 'System.Exception', Message: message, Data: null, InnerException: null },
})

/** Thrown answers are how a save refuses; the HTTP layer sends them as they are. */
export const isAnswer = (value: unknown): value is SandboxAnswer =>
  typeof value === 'object' &&
  value !== null &&
  'status' in value &&
  ('json' in value || 'text' in value)

export const isTrue = (value: string | undefined) =>
  value !== undefined && /^(true|1)$/i.test(value)

const clone = <T>(value: T): T => structuredClone(value)

/** A change Halo would announce through its outbound webhooks. */
export type SandboxTicketChange =
  | {
      kind: 'status'
      /** The ticket after the change (a copy). */
      ticket: SandboxRecord
      previousStatus: unknown
      /** The action that made it, when one did. */
      action?: SandboxRecord
      /** The agent who made it: the API agent for API writes, a technician on the board. */
      agentId: number
    }
  | { kind: 'deleted'; ticket: SandboxRecord; agentId: number }

export type SandboxStoreOptions = {
  now: () => number
  seed: () => SandboxSeed
  /** Recorded as `actionby_application_id` on new actions. */
  applicationName: string
  /** Told of every status change and deletion, after it is saved. */
  onTicketChange?: (change: SandboxTicketChange) => void
}

/**
 * The sandbox's data and Halo's rules over it: create-or-update saves, derived ticket fields,
 * closing, per-ticket action ids, filters, paging and list envelopes. No HTTP here: every
 * operation returns (or throws) a {@link SandboxAnswer}.
 */
export const createSandboxStore = ({
  now,
  seed,
  applicationName,
  onTicketChange = () => {},
}: SandboxStoreOptions) => {
  let collections: SandboxSeed = seed()
  let tickets = new Map<number, Numbered>()
  let actions = new Map<number, Numbered[]>()
  let nextTicketId = 1001

  const iso = () => new Date(now()).toISOString()
  const findIn = (collection: SandboxCollection, id: unknown) =>
    collections[collection].find((r) => String(r.id) === String(id))
  const nameOf = (collection: SandboxCollection, id: unknown, field = 'name') => {
    const record = id === undefined || id === null ? undefined : findIn(collection, id)
    return (record?.[field] as string | undefined) ?? null
  }
  const isClosedStatus = (statusId: unknown) =>
    Number(statusId) === CLOSED_STATUS_ID || findIn('statuses', statusId)?.type === 1

  // ---- the API agent's permissions ---------------------------------------------------------

  /** The agent the API application logs in as: the first one, as `GET /Agent/me` answers. */
  const apiAgent = () => collections.agents[0]
  const apiAgentId = () => Number(apiAgent()?.id ?? 1)

  /** Tells the listener when a save changed a ticket's status. */
  const announceStatus = (
    ticket: Numbered,
    previousStatus: unknown,
    agentId: number,
    action?: SandboxRecord,
  ) => {
    if (previousStatus === undefined || Number(previousStatus) === Number(ticket.status_id)) return
    onTicketChange({
      kind: 'status',
      ticket: clone(ticket),
      previousStatus,
      ...(action ? { action: clone(action) } : {}),
      agentId,
    })
  }
  const apiAgentTeams = () =>
    new Set(
      ((apiAgent()?.teams as { team_id?: unknown }[] | undefined) ?? []).map((t) =>
        Number(t.team_id),
      ),
    )

  /** An outcome with an access list is usable only by the agents and teams it names. */
  const mayUseOutcome = (outcome: SandboxRecord) => {
    const rules = outcome.access_control as { agent_id?: unknown; team_id?: unknown }[] | undefined
    if (!Array.isArray(rules) || rules.length === 0) return true
    return rules.some(
      (rule) =>
        (rule.agent_id != null && Number(rule.agent_id) === Number(apiAgent()?.id)) ||
        (rule.team_id != null && apiAgentTeams().has(Number(rule.team_id))),
    )
  }

  /** An agent logs tickets only for the teams it is a member of (team names are not checked). */
  const refuseForeignTeam = (team: unknown) => {
    if (typeof team !== 'string' || team.trim() === '') return
    const record = collections.teams.find(
      (t) => String(t.name).toLowerCase() === team.trim().toLowerCase(),
    )
    if (record && !apiAgentTeams().has(Number(record.id))) {
      throw exception(`You do not have permission to log tickets for the team ${record.name}.`, 403)
    }
  }

  /** The labels of the ticket type's mandatory fields that `fields` leaves empty. */
  const missingMandatory = (type: SandboxRecord | undefined, fields: Record<string, unknown>) => {
    const empty = (value: unknown) => value === undefined || value === null || value === ''
    const given = (fields.customfields as { id?: unknown; value?: unknown }[] | undefined) ?? []
    const typeFields = (type?.fields as SandboxRecord[] | undefined) ?? []
    return typeFields
      .map((field) => field.fieldinfo as Record<string, unknown> | undefined)
      .filter((info) => info?.mandatory === true)
      .filter((info) =>
        info?.custom
          ? !given.some((cf) => String(cf.id) === String(info.id) && !empty(cf.value))
          : empty(fields[String(info?.faults_field_name ?? info?.name)]),
      )
      .map((info) => String(info?.label ?? info?.name))
  }

  // ---- tickets ---------------------------------------------------------------------------

  /** Derived fields Halo fills in on every save: names for ids, and the closed state. */
  const decorateTicket = (ticket: Numbered, previousStatus: unknown, agentId = apiAgentId()) => {
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
      ticket.closure_agent_id = agentId
    } else if (!closed) {
      // Reopening clears the flag: integrations read `hasbeenclosed` as "is closed now".
      ticket.hasbeenclosed = false
    }
  }

  /** Halo needs the site of a ticket's end user, and the user must exist. */
  const refuseUserWithoutSite = (fields: Record<string, unknown>) => {
    if (fields.user_id === undefined || fields.user_id === null || Number(fields.user_id) <= 0)
      return
    if (!findIn('users', fields.user_id)) throw exception(`User ${fields.user_id} does not exist.`)
    if (fields.site_id === undefined || fields.site_id === null) {
      throw exception('Please select a Site for this User.')
    }
  }

  const saveTicket = (input: Record<string, unknown>): Numbered => {
    const fields = Object.fromEntries(
      Object.entries(input).map(([k, v]) => [k, coerceField('tickets', k, v)]),
    )
    refuseForeignTeam(fields.team)
    if (fields.id !== undefined && fields.id !== null && Number(fields.id) > 0) {
      const existing = tickets.get(Number(fields.id))
      if (!existing) throw exception(`Ticket ${fields.id} does not exist.`)
      const previousStatus = existing.status_id
      Object.assign(existing, fields, { id: existing.id })
      decorateTicket(existing, previousStatus)
      announceStatus(existing, previousStatus, apiAgentId())
      return existing
    }
    const tickettypeId = fields.tickettype_id ?? 1
    const type = findIn('tickettypes', tickettypeId)
    const missing = missingMandatory(type, fields)
    if (missing.length > 0) {
      throw exception(`Please enter a value for the mandatory fields: ${missing.join(', ')}`)
    }
    refuseUserWithoutSite(fields)
    const site =
      fields.site_id ?? collections.sites.find((s) => s.client_id === fields.client_id)?.id
    const ticket: Numbered = {
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
    collection: SandboxCollection,
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

  /**
   * Who an action is recorded as made by: the API application (every API call), or an agent
   * working in Halo's web UI, which Halo records by agent with no application.
   */
  const actorFields = (agentId: number | undefined) => {
    if (agentId === undefined) {
      return { who: applicationName, actionby_application_id: applicationName }
    }
    if (!findIn('agents', agentId)) throw exception(`Agent ${agentId} does not exist.`)
    return {
      who: nameOf('agents', agentId),
      who_agentid: agentId,
      actionby_agent_id: agentId,
      actionby_application_id: null,
    }
  }

  /**
   * Saves an action: the API application's (`byAgent` unset), or one an agent made in Halo's web
   * UI or on the board (a technician's close or reopen), recorded by agent with no application.
   */
  const saveAction = (input: Record<string, unknown>, byAgent?: number) => {
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
    if (!outcome || !mayUseOutcome(outcome)) {
      throw exception('You do not have access to this Action at the moment')
    }

    const oldStatus = ticket.status_id
    const action: Numbered = {
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
      ...actorFields(byAgent),
      old_status: oldStatus,
    }
    const agentId = byAgent ?? apiAgentId()
    if (fields.new_status !== undefined && fields.new_status !== null) {
      if (!findIn('statuses', fields.new_status))
        throw exception(`Status ${fields.new_status} does not exist.`)
      ticket.status_id = Number(fields.new_status)
      action.new_status_name = nameOf('statuses', fields.new_status)
      decorateTicket(ticket, oldStatus, agentId)
    }
    ticket.lastactiondate = action.datetime
    list.push(action)
    actions.set(ticketId, list)
    if (fields.new_status !== undefined && fields.new_status !== null) {
      announceStatus(ticket, oldStatus, agentId, action)
    }
    return action
  }

  /**
   * A ticket as Halo's list answers show it: without the fields its list rows leave out unless
   * asked for columns (`third_party_id_string` among them; halo-api.md §3.2), so a client that
   * matches on them must read the ticket whole.
   */
  const listRow = ({
    third_party_id_string: _identity,
    details_html: _html,
    customfields: _customFields,
    ...row
  }: SandboxRecord): SandboxRecord => row

  const list = (resource: string, q: Record<string, string>): SandboxAnswer => {
    if (resource === 'tickets') {
      const matching = ordered([...tickets.values()].filter(ticketFilters(q)), q)
      const { rows, paging } = paged(matching, q, MAX_TICKET_PAGE)
      return ok({
        ...paging,
        record_count: matching.length,
        tickets: clone(rows).map(listRow),
        include_children: false,
      })
    }
    if (resource === 'actions') {
      if (q.ticket_id === undefined) return exception('Please specify a ticket_id.')
      const ticketId = Number(q.ticket_id)
      let rows = actions.get(ticketId) ?? []
      if (isTrue(q.excludeprivate)) rows = rows.filter((a) => a.hiddenfromuser !== true)
      if (q.count !== undefined) rows = rows.slice(0, Number(q.count))
      return ok({ ticket_id: ticketId, record_count: rows.length, actions: clone(rows) })
    }
    const shape = LISTS[resource]
    if (!shape) return notFound('Not Found')
    const matching = ordered(collections[shape.collection].filter(genericFilter(resource, q)), q)
    if (!shape.envelope) return ok(clone(matching))
    const { rows, paging } = paged(matching, q)
    return ok({ ...paging, record_count: matching.length, [shape.envelope]: clone(rows) })
  }

  const getOne = (resource: string, id: string, q: Record<string, string>): SandboxAnswer => {
    if (resource === 'tickets') {
      const ticket = tickets.get(Number(id))
      return ticket ? ok(clone(ticket)) : notFound(`Ticket ${id} not found`)
    }
    if (resource === 'actions') {
      const action = (actions.get(Number(q.ticket_id)) ?? []).find((a) => a.id === Number(id))
      return action ? ok(clone(action)) : notFound('Action not found')
    }
    if (resource === 'agent' && id.toLowerCase() === 'me') return ok(clone(apiAgent() ?? {}))
    const shape = LISTS[resource]
    const record = shape ? findIn(shape.collection, id) : undefined
    return record ? ok(clone(record)) : notFound('Not Found')
  }

  const deleteOne = (resource: string, id: string, q: Record<string, string>): SandboxAnswer => {
    if (resource === 'tickets') {
      const ticket = tickets.get(Number(id))
      if (!ticket) return notFound(`Ticket ${id} not found`)
      tickets.delete(ticket.id)
      actions.delete(ticket.id)
      onTicketChange({ kind: 'deleted', ticket: clone(ticket), agentId: apiAgentId() })
      return ok({ id: ticket.id })
    }
    if (resource === 'actions') {
      const rows = actions.get(Number(q.ticket_id)) ?? []
      const index = rows.findIndex((a) => a.id === Number(id))
      if (index < 0) return notFound('Action not found')
      rows.splice(index, 1)
      return ok({ id: Number(id) })
    }
    const shape = LISTS[resource]
    if (!shape) return notFound('Not Found')
    const rows = collections[shape.collection]
    const index = rows.findIndex((r) => String(r.id) === id)
    if (index < 0) return notFound('Not Found')
    rows.splice(index, 1)
    return ok({ id: Number(id) || id })
  }

  /** Saves an array of records to one resource, in order; throws an answer on the first refusal. */
  const save = (
    resource: string,
    items: Record<string, unknown>[],
  ): SandboxRecord[] | undefined => {
    if (resource === 'tickets') return items.map(saveTicket)
    if (resource === 'actions') return items.map((item) => saveAction(item))
    const shape = LISTS[resource]
    return shape ? items.map((item) => saveGeneric(resource, shape.collection, item)) : undefined
  }

  const ticketsNewestFirst = () =>
    [...tickets.values()]
      .sort((a, b) => b.id - a.id)
      .map((t) => ({ ...clone(t), actions: clone(actions.get(t.id) ?? []) }))

  return {
    reset() {
      collections = seed()
      tickets = new Map()
      actions = new Map()
      nextTicketId = 1001
    },
    /** Saved copies, or undefined for a resource the sandbox does not serve. */
    save: (resource: string, items: Record<string, unknown>[]) => {
      const saved = save(resource, items)
      return saved && clone(saved)
    },
    list,
    get: getOne,
    remove: deleteOne,
    /**
     * What a technician does on the board: an action by agent `agentId` that moves the ticket to
     * `newStatus` (closing or reopening it), as Halo's UI would. Throws an answer for an unknown
     * ticket, agent or status.
     */
    technicianAction: (
      ticketId: number,
      { agentId, newStatus, note }: { agentId: number; newStatus: number; note: string },
    ) => {
      const agent = findIn('agents', agentId)
      if (!agent) throw exception(`Agent ${agentId} does not exist.`)
      const outcome = isClosedStatus(newStatus) ? 'Close Ticket' : 'Change Status'
      return clone(
        saveAction({ ticket_id: ticketId, outcome, note, new_status: newStatus }, Number(agent.id)),
      )
    },
    ticketsNewestFirst,
    actionsOf: (ticketId: number) => clone(actions.get(ticketId) ?? []),
    /** An action as the agent would add it in Halo's web UI (no API application). */
    saveAgentAction: (agentId: number, input: Record<string, unknown>) =>
      clone(saveAction(input, agentId)),
    records: (collection: SandboxCollection) => clone(collections[collection]),
  }
}

export type SandboxStore = ReturnType<typeof createSandboxStore>
