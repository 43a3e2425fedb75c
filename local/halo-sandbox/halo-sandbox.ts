import { randomBytes } from 'node:crypto'
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { renderBoardPage } from './board-page.js'
import { createFaultInjector, type SandboxFaults } from './faults.js'
import { bindingErrors } from './model-binding.js'
import { createSandboxStore, isAnswer, isTrue, type SandboxAnswer } from './sandbox-store.js'
import { createSandboxWebhooks, type SandboxWebhook } from './sandbox-webhooks.js'
import { createSeed, type SandboxSeed } from './seed.js'
import { createSourceReceiver } from './source-receiver.js'

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
  /**
   * The scopes the API application is allowed (Halo: the application's permissions). A token
   * request for any other scope is refused with `invalid_scope`; `all` allows every one.
   * @default ['all']
   */
  scopes?: readonly string[]
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
  /** An outbound webhook, sent on every ticket status change and deletion. @default none */
  webhook?: SandboxWebhook
  /**
   * The Standard Webhooks secret of the source receiver at `sandbox/source-receiver`, which stands
   * in for an alert's source told by `resolveAtSource`. Also settable later through
   * `setSourceReceiver`. @default none: it refuses every delivery
   */
  sourceReceiverSecret?: string
}

/** The seed's first technician, who closes tickets on the board (agent 1 is the API's). */
const TECHNICIAN_AGENT_ID = 2
/** Stock Halo's Closed, and the New a reopened ticket goes back to. */
const CLOSED_STATUS = 9
const REOPEN_STATUS = 1

/** One request the sandbox answered (`at` = arrival, ms since epoch), for tests and benchmarks. */
export type SandboxRequestLog = { method: string; path: string; status: number; at: number }

/** Scope names Halo's auth server knows (HaloAPI's validator list); others are `invalid_scope`. */
const KNOWN_SCOPES = new Set([
  'all',
  'all:standard',
  'admin',
  ...[
    'tickets',
    'calendar',
    'customers',
    'crm',
    'timesheets',
    'contracts',
    'suppliers',
    'items',
    'projects',
    'sales',
    'quotes',
    'sos',
    'pos',
    'invoices',
    'reporting',
    'software',
    'softwarelicensing',
    'kb',
    'assets',
  ].flatMap((area) => [`read:${area}`, `edit:${area}`]),
  'editMine:timesheets',
  'access:chat',
  'access:adpasswordreset',
])

/**
 * The scope a resource needs, by area: reading takes `read:` or `edit:`, writing `edit:`. `all`
 * grants everything, `all:standard` every area. Configuration lists (ticket types, statuses, teams...) are read with any
 * token; which scope Halo wants for them is not documented.
 */
const SCOPE_AREAS: Readonly<Record<string, string>> = {
  tickets: 'tickets',
  actions: 'tickets',
  client: 'customers',
  site: 'customers',
  users: 'customers',
  asset: 'assets',
}

const grantsAccess = (scopes: readonly string[], resource: string, method: string): boolean => {
  if (scopes.includes('all')) return true
  const area = SCOPE_AREAS[resource]
  if (!area) return method === 'GET' || scopes.includes('admin')
  if (scopes.includes('all:standard')) return true
  return scopes.includes(`edit:${area}`) || (method === 'GET' && scopes.includes(`read:${area}`))
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
  const webhooks = createSandboxWebhooks({ now })
  webhooks.configure(options.webhook)
  const sourceReceiver = createSourceReceiver({ now })
  sourceReceiver.configure(options.sourceReceiverSecret)
  const store = createSandboxStore({
    now,
    seed,
    applicationName,
    onTicketChange: webhooks.announce,
  })
  const allowedScopes = options.scopes ?? ['all']
  const tokens = new Map<string, { expiresAt: number; scopes: string[] }>()
  const rateWindow: number[] = []
  const log: SandboxRequestLog[] = []
  const faults = createFaultInjector(options.faults)
  const hanging = new Set<() => void>()

  const releaseHangs = () => {
    for (const release of hanging) release()
    hanging.clear()
  }

  const reset = () => {
    store.reset()
    webhooks.reset()
    sourceReceiver.reset()
    tokens.clear()
    rateWindow.length = 0
    log.length = 0
    faults.set(options.faults ?? {})
    rateLimit = options.rateLimit
    lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600
    releaseHangs()
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
    // Halo's auth server is OpenIddict, which tells an unknown client from a wrong secret.
    if (form.client_id !== credentials.clientId) {
      return c.json(
        { error: 'invalid_client', error_description: "The specified 'client_id' is invalid." },
        401,
      )
    }
    if (form.client_secret !== credentials.clientSecret) {
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
    const scope = typeof form.scope === 'string' && form.scope ? form.scope : 'all'
    const scopes = scope.split(/\s+/).filter(Boolean)
    // An unknown scope is refused (a live tenant does the same for `read:actions`); so, assumed
    // the same way, is one the application is not allowed.
    const refused = scopes.filter(
      (name) =>
        !KNOWN_SCOPES.has(name) || !(allowedScopes.includes('all') || allowedScopes.includes(name)),
    )
    if (refused.length > 0) {
      return c.json(
        {
          error: 'invalid_scope',
          error_description: `This client application is not allowed to use the specified scope: ${refused.join(' ')}.`,
        },
        400,
      )
    }
    const token = randomBytes(24).toString('base64url')
    tokens.set(token, { expiresAt: now() + lifetimeSeconds * 1000, scopes })
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

  /** The scopes of the request's token, or undefined when it has no valid token. */
  const tokenScopes = (c: Context) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer\s+(.+)$/i.exec(header)
    const token = match?.[1] ? tokens.get(match[1]) : undefined
    return token && now() < token.expiresAt ? token.scopes : undefined
  }

  const send = (c: Context, answer: SandboxAnswer) =>
    'json' in answer
      ? c.json(answer.json as object, answer.status)
      : c.text(answer.text, answer.status)

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
      // The two fields clients are known to read; Halo documents no schema for this endpoint.
      return c.json({ auth_url: `${root}/auth`, tenant_id: options.tenant ?? null })
    }
    const scopes = tokenScopes(c)
    if (!scopes) return c.body(null, 401, { 'www-authenticate': 'Bearer error="invalid_token"' })
    if (!grantsAccess(scopes, resource, method)) {
      return c.body(null, 403, { 'www-authenticate': 'Bearer error="insufficient_scope"' })
    }

    const q = c.req.query()
    const badQuery = queryErrors(q)
    if (Object.keys(badQuery).length > 0) return c.json(badQuery, 400)

    try {
      if (method === 'POST' && id === undefined) {
        const body = await c.req.json().catch(() => undefined)
        const errors = bindingErrors(resource, body)
        if (Object.keys(errors).length > 0) return c.json(errors, 400)
        const saved = store.save(resource, body as Record<string, unknown>[])
        if (!saved) return c.text('Not Found', 404)
        const status = resource === 'actions' ? 201 : 200
        // One element (or the last of several) unless the caller asks for all of them.
        return c.json(isTrue(q.returnall) ? saved : (saved.at(-1) ?? {}), status)
      }

      if (method === 'GET' && id === undefined) return send(c, store.list(resource, q))
      if (method === 'GET' && id !== undefined) return send(c, store.get(resource, id, q))
      if (method === 'DELETE' && id !== undefined) return send(c, store.remove(resource, id, q))
      return c.text('Method Not Allowed', 405)
    } catch (error) {
      if (isAnswer(error)) return send(c, error)
      throw error
    }
  }

  app.all('/api/:resource', handleApi)
  app.all('/api/:resource/:id', handleApi)

  // ---- board page and admin API ------------------------------------------------------------

  const ticketsNewestFirst = store.ticketsNewestFirst

  const state = () => ({
    tickets: ticketsNewestFirst(),
    faults: faults.get(),
    rateLimit: rateLimit ?? null,
    tokenLifetimeSeconds: lifetimeSeconds,
    requests: log.length,
  })

  app.get('/sandbox/state', (c) => c.json(state()))
  app.get('/sandbox/requests', (c) => c.json(log))
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
  // A technician at work in Halo's web UI: `{ agent_id, ticket_id, outcome, note, new_status? }`.
  app.post('/sandbox/agent-actions', async (c) => {
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null
    if (!body || typeof body !== 'object' || !Number.isInteger(body.agent_id))
      return c.json({ error: 'body must be a JSON object with an integer agent_id' }, 400)
    const { agent_id: agentId, ...action } = body
    try {
      return c.json(store.saveAgentAction(agentId as number, action))
    } catch (error) {
      if (isAnswer(error)) return send(c, error)
      throw error
    }
  })
  app.post('/sandbox/tokens/expire', (c) => {
    tokens.clear()
    return c.json({ expired: true })
  })
  app.get('/sandbox/webhook', (c) =>
    c.json({ webhook: webhooks.configured() ?? null, deliveries: webhooks.deliveries() }),
  )
  app.put('/sandbox/webhook', async (c) => {
    const body = (await c.req.json().catch(() => null)) as SandboxWebhook | null
    const valid = body && typeof body.url === 'string' && typeof body.username === 'string'
    webhooks.configure(valid ? body : undefined)
    return c.json({ webhook: webhooks.configured() ?? null })
  })
  // The alert's source, told by halo-hooks when a technician closes its ticket: verified over
  // the raw body, as a receiver must (a re-serialised body would not verify).
  app.post('/sandbox/source-receiver', async (c) => {
    const status = sourceReceiver.receive(await c.req.text(), {
      'webhook-id': c.req.header('webhook-id') ?? '',
      'webhook-timestamp': c.req.header('webhook-timestamp') ?? '',
      'webhook-signature': c.req.header('webhook-signature') ?? '',
    })
    return status === 204 ? c.body(null, 204) : c.json({ error: 'signature_invalid' }, 401)
  })
  app.get('/sandbox/source-receiver', (c) =>
    c.json({ configured: sourceReceiver.configured(), ...sourceReceiver.received() }),
  )
  // What a technician does on the board. A form posts here and is sent back to the board; a
  // JSON client gets the action.
  const technician = (newStatus: number, note: string) => async (c: Context) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
    const agentId = Number(form.agent_id ?? TECHNICIAN_AGENT_ID)
    try {
      const action = store.technicianAction(Number(c.req.param('id')), { agentId, newStatus, note })
      return c.req.header('accept')?.includes('text/html')
        ? c.redirect(`../../../#ticket-${c.req.param('id')}`, 303)
        : c.json(action)
    } catch (error) {
      if (isAnswer(error)) return send(c, error)
      throw error
    }
  }
  app.post('/sandbox/tickets/:id/close', technician(CLOSED_STATUS, 'Fixed on site.'))
  app.post('/sandbox/tickets/:id/reopen', technician(REOPEN_STATUS, 'Not fixed after all.'))

  // The board sits at the app root. Mounted as `parent.route('/halo', app)`, Hono joins '/' to
  // '/halo', so '/halo/' would not match; a catch-all registered last finds the root itself.
  app.get('/*', (c) => {
    const prefix = c.req.routePath.replace(/\/\*$/, '')
    const rest = c.req.path.slice(prefix.length)
    // Relative links on the page need the trailing slash when the app is mounted under a prefix.
    if (rest === '') return c.redirect(`${c.req.path}/`, 302)
    if (rest !== '/' && rest !== '/index.html') return c.text('Not Found', 404)
    return c.html(
      renderBoardPage({
        tickets: ticketsNewestFirst(),
        statuses: store.records('statuses'),
        ...(sourceReceiver.configured()
          ? { resolvedAtSource: sourceReceiver.received().receipts }
          : {}),
      }),
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
    actions: store.actionsOf,
    /** Adds an action as this agent would in Halo's web UI (recorded with no API application). */
    addAgentAction: store.saveAgentAction,
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
    requests: () => structuredClone(log),
    /** Seed and saved records of one list resource, e.g. `records('clients')`. */
    records: store.records,
    /** Lets go of any responses held back by `hang` drops (call before closing a server). */
    releaseHangs,
    /** Sets (or with `undefined`, removes) the outbound webhook. */
    setWebhook: (next: SandboxWebhook | undefined) => webhooks.configure(next),
    /** Sets (or with `undefined`, removes) the source receiver's Standard Webhooks secret. */
    setSourceReceiver: (signingSecret: string | undefined) =>
      sourceReceiver.configure(signingSecret),
    /** What the source receiver kept (verified, once per `webhook-id`) and how many it refused. */
    sourceReceipts: sourceReceiver.received,
    /** Webhook deliveries sent so far, with the answers they got. */
    webhookDeliveries: webhooks.deliveries,
    /** Resolves once every webhook delivery sent so far has been answered. */
    webhooksSettled: webhooks.settled,
    /** A technician (agent 2 unless named) closes the ticket on the board, as in Halo's UI. */
    closeAsTechnician: (ticketId: number, agentId = TECHNICIAN_AGENT_ID) =>
      store.technicianAction(ticketId, { agentId, newStatus: CLOSED_STATUS, note: 'Fixed.' }),
    /** A technician reopens the ticket (status New). */
    reopenAsTechnician: (ticketId: number, agentId = TECHNICIAN_AGENT_ID) =>
      store.technicianAction(ticketId, { agentId, newStatus: REOPEN_STATUS, note: 'Reopened.' }),
    credentials,
  }
}

export type HaloSandbox = ReturnType<typeof createHaloSandbox>
