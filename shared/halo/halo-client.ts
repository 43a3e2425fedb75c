import { describeIssues } from '../describe-issues.js'
import { HaloApiError } from '../errors.js'
import { NOT_SURE } from '../schema-readers.generated.js'
import { type Parser, type SchemaReading, safeRead } from '../schema-reading.js'
import { type BackoffOptions, DEFAULT_BACKOFF } from './backoff.js'
import { createHaloCallCounter, type HaloCallCounter } from './halo-call-counter.js'
import { HALO_READINGS } from './halo-readings.js'
import { createHaloRequester, type HaloRequest } from './halo-requester.js'
import { createHaloTokenSource, type HaloGrant, requestAuthInfo } from './halo-token-source.js'
import { createMemoryRateBudget } from './memory-rate-budget.js'
import type {
  HaloActionQuery,
  HaloAssetQuery,
  HaloClientQuery,
  HaloPriorityQuery,
  HaloStatusQuery,
  HaloTicketQuery,
  HaloTicketTypeQuery,
  HaloUserQuery,
} from './queries.js'
import { type HaloQueryValues, toQueryString } from './query-string.js'
import { type BudgetLane, DEFAULT_RATE_BUDGET, type RateBudget } from './rate-budget.js'
import type {
  HaloAction,
  HaloActionInput,
  HaloAgent,
  HaloAsset,
  HaloAuthInfo,
  HaloCustomer,
  HaloSite,
  HaloTicket,
  HaloTicketInput,
  HaloTicketType,
} from './schemas.js'

export type HaloClientOptions = {
  /** Instance root, e.g. `https://acme.halopsa.com` or `http://localhost:8787/halo`. */
  baseUrl: string
  clientId: string
  clientSecret: string
  /** Hosted Halo's tenant, sent as `?tenant=` on token requests. */
  tenant?: string
  /** Authorisation server root; the token URL is this + `/token`. @default discovered, else `{baseUrl}/auth` */
  authUrl?: string
  /** Space-separated scopes. @default 'all' */
  scope?: string
  /** Ask `GET /api/authinfo` for the auth server when `authUrl` is not set. @default true */
  discover?: boolean
  fetch?: typeof fetch
  /** Per-request timeout in ms. @default 10_000 */
  timeoutMs?: number
  /**
   * Consulted before every request, token requests included. Share one across workers (the
   * DynamoDB adapter) in production; `false` turns budgeting off, e.g. to load-test the sandbox.
   * @default an in-memory budget of 250 requests per rolling 300 s, for this client alone
   */
  budget?: RateBudget | false
  /** Clock in ms since epoch. @default Date.now */
  now?: () => number
  /** How the client waits (back-off, budget). Injected by tests. @default setTimeout */
  sleep?: (ms: number) => Promise<void>
  /** Randomness for back-off jitter. @default Math.random */
  random?: () => number
  /**
   * Longest a call may wait, for the budget and between retries; past it the call fails with
   * `retryAfterMs` instead. A request that is sent has its own `timeoutMs`. @default 30_000
   */
  maxWaitMs?: number
  /** Attempts per call for retryable failures, the first included. @default 4 */
  maxAttempts?: number
  /** Back-off after 429 without `Retry-After`, and after retryable failures. */
  backoff?: Partial<BackoffOptions>
  /** Where calls are counted; pass one to share it across clients. @default a new counter */
  counter?: HaloCallCounter
  /** Renew the token this long before it expires. @default 60_000 */
  tokenRenewMarginMs?: number
  /**
   * When every call must be over (ms since epoch), asked at the start of each call: a worker's
   * own deadline, so a batch never outlasts its invocation. No wait or retry outlasts it, each
   * request's timeout is cut to it, and a request with under a second left is not sent (a
   * retryable `deadline` failure). @default none: each request has `timeoutMs`
   */
  endBy?: () => number | undefined
}

/** One page of a list, with Halo's total across all pages. */
export type HaloPage<T> = { recordCount: number; items: T[] }

/** Ways to find an asset; give exactly what you know. Matching is exact and case-insensitive. */
export type HaloAssetLookup = {
  /** Device or host name, matched against the asset's key fields. */
  hostname?: string
  /** Same as `hostname`: Halo keeps the device name in a key field. */
  name?: string
  /** The asset tag. */
  inventoryNumber?: string
  clientId?: number
}

/** Halo documents 100 as the largest `page_size` for tickets. */
const MAX_TICKET_PAGE = 100

/** More tickets than this for one `third_party_id_string` means Halo ignored the filter. */
const MAX_THIRD_PARTY_MATCHES = 200

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * A Halo REST API client: client-credentials tokens (cached, renewed early, single flight,
 * renewed once on 401), a rate budget consulted before every request, timeouts, retries that
 * never resend a write blindly, and calls counted per endpoint and outcome.
 *
 * Every failure is a {@link HaloApiError} (a `HaloApiError`) with Halo's own message and a
 * `retryable` flag; refused credentials are a `ConfigError`. A wait that would end after the
 * call's deadline (`maxWaitMs` from its start) is not slept: the error carries `retryAfterMs` for
 * the caller to defer with.
 *
 * @example
 * const halo = createHaloClient({ baseUrl, clientId, clientSecret })
 * const ticket = await halo.createTicket({ summary: 'Disk full on web-1', client_id: 12 })
 */
export const createHaloClient = (options: HaloClientOptions) => {
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const apiUrl = `${baseUrl}/api`
  const now = options.now ?? Date.now
  const maxWaitMs = options.maxWaitMs ?? 30_000
  const counter = options.counter ?? createHaloCallCounter()
  const budget =
    options.budget === false
      ? undefined
      : (options.budget ?? createMemoryRateBudget(DEFAULT_RATE_BUDGET))

  const send = createHaloRequester({
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 10_000,
    budget,
    now,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
    counter,
    maxAttempts: options.maxAttempts ?? 4,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    tokens: () => tokens,
    endBy: options.endBy ?? (() => undefined),
  })
  const tokens = createHaloTokenSource({
    baseUrl,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    tenant: options.tenant,
    authUrl: options.authUrl,
    scope: options.scope,
    discover: options.discover,
    renewMarginMs: options.tokenRenewMarginMs,
    send,
    now,
  })

  const call = async (
    request: Omit<HaloRequest, 'url' | 'auth'> & { path: string; query?: HaloQueryValues },
  ): Promise<unknown> => {
    const { path, query, ...rest } = request
    const response = await send(
      { ...rest, url: `${apiUrl}${path}${toQueryString(query)}`, auth: true },
      now() + maxWaitMs,
    )
    if (response.text.trim() === '') return undefined
    try {
      return JSON.parse(response.text)
    } catch (error) {
      throw invalidResponse(request.endpoint, 'body is not JSON', { cause: error })
    }
  }

  const get = (
    path: string,
    endpoint: string,
    query?: HaloQueryValues,
    lane: BudgetLane = 'read',
  ) => call({ method: 'GET', path, endpoint, query, idempotent: true, lane })

  const post = (path: string, endpoint: string, items: unknown[], lane: BudgetLane) =>
    call({
      method: 'POST',
      path,
      endpoint,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(items),
      idempotent: false,
      lane,
    })

  /** Validates what we are about to send; a bad field is our bug, so it is not retryable. */
  const checked = async <T>(reading: SchemaReading<T>, value: unknown, endpoint: string) => {
    const result = await safeRead(reading, value)
    if (!result.success) {
      throw new HaloApiError(undefined, `${endpoint}: refusing to send an invalid body`, {
        kind: 'invalid_request',
        endpoint,
        retryable: false,
        issues: describeIssues(result.error, { root: '(body)' }),
      })
    }
    return result.data
  }

  const parsedWith = <T>(result: ReturnType<Parser<T>['safeParse']>, endpoint: string): T => {
    if (!result.success) {
      throw invalidResponse(endpoint, 'the body does not have the expected shape', {
        cause: result.error,
        issues: describeIssues(result.error, { root: '(body)' }),
      })
    }
    return result.data
  }

  const parsed = async <T>(reading: SchemaReading<T>, value: unknown, endpoint: string) =>
    parsedWith(await safeRead(reading, value), endpoint)

  /** A one-element POST answers with the saved object; tolerate an array answer too. */
  const savedOne = <T>(reading: SchemaReading<T>, body: unknown, endpoint: string) =>
    parsed(reading, Array.isArray(body) ? body.at(-1) : body, endpoint)

  /**
   * The rows of a list as `z.array(schema)` reads them: each by the reader while it is sure; the
   * whole list by the schema (and its error) from the first row it is not.
   */
  const parsedRows = async <T>(
    reading: SchemaReading<T>,
    rows: readonly unknown[],
    endpoint: string,
  ): Promise<T[]> => {
    const items: T[] = []
    for (const row of rows) {
      const answer = reading.read(row)
      if (answer === NOT_SURE) {
        const [{ listSchemaOf }, schema] = await Promise.all([
          import('../list-schema.js'),
          reading.schema(),
        ])
        return parsedWith(listSchemaOf(schema).safeParse(rows), endpoint)
      }
      items.push(answer as T)
    }
    return items
  }

  /** Lists come as `{record_count, <key>: [...]}` or as a plain array depending on the endpoint. */
  const listOf = async <T>(
    reading: SchemaReading<T>,
    body: unknown,
    key: string,
    endpoint: string,
  ): Promise<HaloPage<T>> => {
    const rows = Array.isArray(body) ? body : isRecord(body) ? body[key] : undefined
    if (!Array.isArray(rows)) throw invalidResponse(endpoint, `no "${key}" list in the answer`)
    const items = await parsedRows(reading, rows, endpoint)
    const total =
      isRecord(body) && typeof body.record_count === 'number' ? body.record_count : items.length
    return { recordCount: total, items }
  }

  /** `GET <path>` read as a list: `{record_count, <key>: [...]}` or a plain array. */
  const getList = async <T>(
    reading: SchemaReading<T>,
    path: string,
    key: string,
    query?: HaloQueryValues,
  ) => listOf(reading, await get(path, `GET ${path}`, query), key, `GET ${path}`)

  /**
   * Every ticket matching `query`, walking Halo's pages (`pageinate`, `page_size`, `page_no`)
   * of the largest size Halo allows until `record_count` is reached.
   */
  async function* tickets(
    filter: Omit<HaloTicketQuery, 'pageinate' | 'page_size' | 'page_no'>,
  ): AsyncGenerator<HaloTicket, void, undefined> {
    const endpoint = 'GET /Tickets'
    let seen = 0
    for (let pageNo = 1; ; pageNo++) {
      const query: HaloTicketQuery = {
        ...filter,
        pageinate: true,
        page_size: MAX_TICKET_PAGE,
        page_no: pageNo,
      }
      const body = await get('/Tickets', endpoint, query)
      const page = await listOf(HALO_READINGS.ticket, body, 'tickets', endpoint)
      yield* page.items
      seen += page.items.length
      // A short or empty page ends the walk even if record_count disagrees, so a
      // miscounting server cannot make us loop.
      if (page.items.length < MAX_TICKET_PAGE || seen >= page.recordCount) return
    }
  }

  /** `GET <resource>/{id}` read as one object; a missing id is a non-retryable 404. */
  const getOne = async <T>(
    reading: SchemaReading<T>,
    resource: string,
    id: number | string,
    query?: HaloQueryValues,
    lane?: BudgetLane,
  ): Promise<T> => {
    const endpoint = `GET ${resource}/${typeof id === 'number' ? '{id}' : id}`
    const body = await get(`${resource}/${encodeURIComponent(id)}`, endpoint, query, lane)
    return parsed(reading, body, endpoint)
  }

  /** One page of assets (schema `Device`), filtered as Halo filters them. */
  const listAssets = (query: HaloAssetQuery = {}) =>
    getList(HALO_READINGS.asset, '/Asset', 'assets', query)

  /**
   * One ticket; a missing id is a non-retryable 404 {@link HaloApiError}. In the `sweep` lane
   * (the reconcile sweep) it never waits for the budget: a full lane fails at once with a
   * `budget` error.
   */
  const getTicket = (id: number, options: { lane?: BudgetLane } = {}): Promise<HaloTicket> =>
    getOne(HALO_READINGS.ticket, '/Tickets', id, undefined, options.lane)

  return {
    /** Creates one ticket and returns it as Halo saved it (with its numeric `id`). */
    async createTicket(ticket: HaloTicketInput): Promise<HaloTicket> {
      const endpoint = 'POST /Tickets'
      const body = await post(
        '/Tickets',
        endpoint,
        [await checked(HALO_READINGS.ticketInput, ticket, endpoint)],
        'write',
      )
      return savedOne(HALO_READINGS.ticket, body, endpoint)
    },

    getTicket,

    /**
     * Tickets carrying exactly this `third_party_id_string`, optionally only those whose id is
     * above `afterId`. Results are re-checked here: exact-match semantics are not documented,
     * and the filter exists only in newer Halo versions, so an older one would ignore it and
     * answer with every ticket. Halo's list rows leave `third_party_id_string` out unless asked
     * for columns, so a row without it is read whole before it counts.
     *
     * @throws HaloApiError (`invalid_response`, not retryable) when more than 200 tickets come
     * back: the filter is evidently being ignored, and paging through the whole ticket list for
     * every event would spend the rate budget on nothing.
     */
    async findTicketsByThirdPartyId(
      thirdPartyId: string,
      { openOnly = true, afterId = 0 }: { openOnly?: boolean; afterId?: number } = {},
    ): Promise<HaloTicket[]> {
      const endpoint = 'GET /Tickets'
      const query: HaloTicketQuery = { third_party_id_string: thirdPartyId }
      if (openOnly) query.open_only = true
      const found: HaloTicket[] = []
      const unshown: number[] = []
      let seen = 0
      for await (const ticket of tickets(query)) {
        if (++seen > MAX_THIRD_PARTY_MATCHES) {
          throw invalidResponse(
            endpoint,
            `more than ${MAX_THIRD_PARTY_MATCHES} tickets match third_party_id_string; this Halo seems to ignore the filter`,
            { retryable: false }, // an older Halo: asking again will not change it
          )
        }
        if (ticket.id <= afterId) continue
        if (ticket.third_party_id_string === thirdPartyId) found.push(ticket)
        else if (ticket.third_party_id_string == null) unshown.push(ticket.id)
      }
      for (const id of unshown) {
        const ticket = await getTicket(id)
        if (ticket.third_party_id_string === thirdPartyId) found.push(ticket)
      }
      return found
    },

    /**
     * Adds a note or status change to a ticket. Halo requires an outcome (`outcome` by name
     * or `outcome_id`) and answers 400 without one. A status change (a close, a reopen) is a
     * write in the rate budget's lanes; a plain note waits behind writes and lookups.
     */
    async addAction(action: HaloActionInput): Promise<HaloAction> {
      const endpoint = 'POST /Actions'
      const lane = action.new_status === undefined ? 'note' : 'write'
      const body = await post(
        '/Actions',
        endpoint,
        [await checked(HALO_READINGS.actionInput, action, endpoint)],
        lane,
      )
      return savedOne(HALO_READINGS.action, body, endpoint)
    },

    /** The actions of one ticket, in Halo's order; `excludeSystem` leaves out Halo's own. */
    async listActions(
      ticketId: number,
      { excludeSystem = false }: { excludeSystem?: boolean } = {},
    ): Promise<HaloAction[]> {
      const endpoint = 'GET /Actions'
      const query: HaloActionQuery = { ticket_id: ticketId }
      if (excludeSystem) query.excludesys = true
      const body = await get('/Actions', endpoint, query)
      return (await listOf(HALO_READINGS.action, body, 'actions', endpoint)).items
    },

    /** One page of clients (Halo's `Client`, schema `Area`). */
    async listClients(query: HaloClientQuery = {}) {
      return getList(HALO_READINGS.customer, '/Client', 'clients', query)
    },

    listAssets,

    /** One page of end users (schema `Users`), filtered as Halo filters them. */
    async listUsers(query: HaloUserQuery = {}) {
      return getList(HALO_READINGS.user, '/Users', 'users', query)
    },

    /**
     * Assets matching a host name, device name or asset tag exactly (case-insensitive). Halo's
     * `search` matches substrings across many fields, so candidates are filtered here; which
     * key field holds the host name is instance configuration, so all three are compared.
     */
    async findAssets(lookup: HaloAssetLookup): Promise<HaloAsset[]> {
      const wanted = (lookup.hostname ?? lookup.name)?.toLowerCase()
      const tag = lookup.inventoryNumber?.toLowerCase()
      if (wanted === undefined && tag === undefined) return []
      const query: HaloAssetQuery =
        tag !== undefined
          ? { inventory_number: lookup.inventoryNumber }
          : { search: lookup.hostname ?? lookup.name }
      if (lookup.clientId !== undefined) query.client_id = lookup.clientId
      const { items } = await listAssets(query)
      const same = (value: string | null | undefined, target: string | undefined) =>
        target !== undefined && value?.toLowerCase() === target
      return items.filter(
        (asset) =>
          (tag === undefined || same(asset.inventory_number, tag)) &&
          (wanted === undefined ||
            same(asset.key_field, wanted) ||
            same(asset.key_field2, wanted) ||
            same(asset.key_field3, wanted)),
      )
    },

    /**
     * Where this instance's auth server is and, on hosted Halo, its tenant: `GET /api/authinfo`,
     * once, without a token. A web page or any other non-JSON answer is an `invalid_response`.
     */
    authInfo: (): Promise<HaloAuthInfo> => requestAuthInfo(send, baseUrl, now() + maxWaitMs),

    /**
     * Gets a token as every call does (the cached one while fresh) and says what it was issued
     * for: the token URL, the tenant, and the scopes asked for and granted.
     * @throws ConfigError when Halo refuses the credentials, tenant or scope
     */
    grant: (): Promise<HaloGrant> => tokens.grant(now() + maxWaitMs),

    /** The agent the API application acts as (`GET /Agent/me`). */
    currentAgent: (): Promise<HaloAgent> => getOne(HALO_READINGS.agent, '/Agent', 'me'),

    /** One ticket type with its fields and the teams and categories it allows. */
    getTicketType: (id: number): Promise<HaloTicketType> => {
      const query: HaloTicketTypeQuery = { includedetails: true }
      return getOne(HALO_READINGS.ticketType, '/TicketType', id, query)
    },

    /** One client (customer) by id. */
    getClient: (id: number): Promise<HaloCustomer> => getOne(HALO_READINGS.customer, '/Client', id),

    /** One site by id. */
    getSite: (id: number): Promise<HaloSite> => getOne(HALO_READINGS.site, '/Site', id),

    /** Ticket statuses; `excludeclosed` leaves out those that close a ticket. */
    async listStatuses(query: HaloStatusQuery = {}) {
      return (await getList(HALO_READINGS.status, '/Status', 'statuses', query)).items
    },

    /** Action outcomes: what an action's `outcome` names. */
    async listOutcomes() {
      return (await getList(HALO_READINGS.outcome, '/Outcome', 'outcomes')).items
    },

    /** Priorities, of one SLA when `slaid` is given. */
    async listPriorities(query: HaloPriorityQuery = {}) {
      return (await getList(HALO_READINGS.priority, '/Priority', 'priorities', query)).items
    },

    /** Teams; tickets name theirs by `name`. */
    async listTeams() {
      return (await getList(HALO_READINGS.team, '/Team', 'teams')).items
    },

    /**
     * Whether the rate budget is under pressure (its note lane is full, callers are lined up,
     * or Halo asked to wait): then repeat notes are merged rather than queued.
     */
    busy: async (): Promise<boolean> => (budget ? budget.underPressure(now()) : false),

    /** Halo calls made so far, by endpoint and outcome. */
    calls: counter,
  }
}

export type HaloClient = ReturnType<typeof createHaloClient>

const invalidResponse = (
  endpoint: string,
  detail: string,
  {
    cause,
    issues,
    // An unreadable read is worth asking again; a write may have happened and is not resent.
    retryable = endpoint.startsWith('GET '),
  }: { cause?: unknown; issues?: string[]; retryable?: boolean } = {},
) =>
  new HaloApiError(
    undefined,
    `${endpoint}: unexpected answer from Halo: ${detail}`,
    // Halo said 2xx, so a write may have happened; resending blindly could duplicate it.
    {
      kind: 'invalid_response',
      endpoint,
      retryable,
      ...(issues ? { issues } : {}),
    },
    { cause },
  )
