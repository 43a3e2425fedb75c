import { ConfigError, HaloApiError } from '../errors.js'
import { readOrThrow, safeRead } from '../schema-reading.js'
import { HALO_READINGS } from './halo-readings.js'
import type { BearerTokens, HaloRequester } from './halo-requester.js'
import type { HaloAuthInfo, HaloTokenResponse } from './schemas.js'

export type HaloTokenSourceOptions = {
  /** Instance root, e.g. `https://acme.halopsa.com`; `/api` and `/auth` are appended. */
  baseUrl: string
  clientId: string
  clientSecret: string
  /** Hosted Halo's tenant name, sent as `?tenant=` on the token request. */
  tenant?: string | undefined
  /** Authorisation server root (the token URL is this + `/token`). Skips discovery when set. */
  authUrl?: string | undefined
  /** Space-separated scopes. @default 'all' */
  scope?: string | undefined
  /** Ask `GET /api/authinfo` for the auth server when `authUrl` is not given. @default true */
  discover?: boolean | undefined
  /** Renew this long before expiry (capped at a quarter of the lifetime). @default 60_000 */
  renewMarginMs?: number | undefined
  send: HaloRequester
  now: () => number
}

type AuthTarget = { tokenUrl: string; tenant: string | undefined }

/** What a token was issued for: where, for which tenant, and the scopes asked and granted. */
export type HaloGrant = AuthTarget & {
  requestedScope: string
  /** The scopes Halo says it granted; undefined when its answer does not say. */
  grantedScope: string | undefined
}

type CachedToken = { token: string; renewAt: number; grant: HaloGrant }

/** The token side of the client: bearer tokens, and what the current one was granted. */
export type HaloTokenSource = BearerTokens & {
  /** Gets a token (the cached one while it is fresh) and says what it was issued for. */
  grant(deadline: number): Promise<HaloGrant>
}

// Halo documents no lifetime and no captured value exists; clients assume an hour. A token that
// dies sooner costs one 401 and one renewal, which the requester absorbs.
const ASSUMED_LIFETIME_S = 3600

const trimSlash = (url: string): string => url.replace(/\/+$/, '')

/**
 * `GET {baseUrl}/api/authinfo`, once, without a token. Throws {@link HaloApiError}: `http` for a
 * non-2xx answer, `network`/`timeout` when nothing answered, and `invalid_response` when the answer
 * is not a JSON object (a web page is not Halo).
 */
export const requestAuthInfo = async (
  send: HaloRequester,
  baseUrl: string,
  deadline: number,
): Promise<HaloAuthInfo> => {
  const endpoint = 'GET /api/authinfo'
  const response = await send(
    {
      method: 'GET',
      url: `${trimSlash(baseUrl)}/api/authinfo`,
      endpoint,
      auth: false,
      idempotent: true,
      attempts: 1,
      // Every call waits for the token: it goes before everything else.
      lane: 'write',
    },
    deadline,
  )
  let body: unknown
  try {
    body = JSON.parse(response.text)
  } catch (error) {
    throw new HaloApiError(
      response.status,
      `${endpoint}: the answer is not JSON (${response.headers.get('content-type') ?? 'no content type'})`,
      { kind: 'invalid_response', endpoint, retryable: false },
      { cause: error },
    )
  }
  const info = await safeRead(HALO_READINGS.authInfo, body)
  if (!info.success) {
    throw new HaloApiError(
      response.status,
      `${endpoint}: the answer is not Halo's authinfo object`,
      { kind: 'invalid_response', endpoint, retryable: false },
      { cause: info.error },
    )
  }
  return info.data
}

/**
 * Client-credentials tokens for one Halo API application, cached for the life of the process
 * and renewed ahead of expiry. Concurrent callers share one token request (single flight).
 *
 * `get` throws {@link ConfigError} when the auth server refuses the credentials (`invalid_client`,
 * a wrong tenant or scope): retrying cannot help. Other failures are {@link HaloApiError}s.
 */
export const createHaloTokenSource = (options: HaloTokenSourceOptions): HaloTokenSource => {
  const { send, now } = options
  const baseUrl = trimSlash(options.baseUrl)
  const scope = options.scope ?? 'all'
  const renewMarginMs = options.renewMarginMs ?? 60_000
  const fallback: AuthTarget = { tokenUrl: `${baseUrl}/auth/token`, tenant: options.tenant }

  let cached: CachedToken | undefined
  let pending: Promise<CachedToken> | undefined
  let target: Promise<AuthTarget> | undefined

  const discover = async (deadline: number): Promise<AuthTarget> => {
    try {
      const info = await requestAuthInfo(send, baseUrl, deadline)
      const authUrl = info.auth_url ? trimSlash(info.auth_url) : undefined
      // The secret goes wherever this URL points: accept only TLS or the instance's own origin.
      const trusted =
        authUrl !== undefined &&
        URL.canParse(authUrl) &&
        (new URL(authUrl).protocol === 'https:' ||
          new URL(authUrl).origin === new URL(baseUrl).origin)
      return {
        tokenUrl: trusted ? `${authUrl}/token` : fallback.tokenUrl,
        tenant: options.tenant ?? (info.tenant_id || undefined),
      }
    } catch (error) {
      // Not an answer about the instance: no slot, or no time left to ask. Ask again next time.
      if (error instanceof HaloApiError && (error.kind === 'budget' || error.kind === 'deadline')) {
        throw error
      }
      return fallback // older instances answer 404 here; the default location is standard
    }
  }

  const resolveTarget = (deadline: number): Promise<AuthTarget> => {
    if (options.authUrl) {
      return Promise.resolve({
        tokenUrl: `${trimSlash(options.authUrl)}/token`,
        tenant: options.tenant,
      })
    }
    if (options.discover === false) return Promise.resolve(fallback)
    target ??= discover(deadline).catch((error: unknown) => {
      target = undefined
      throw error
    })
    return target
  }

  const requestToken = async (deadline: number): Promise<CachedToken> => {
    const resolved = await resolveTarget(deadline)
    try {
      return await requestTokenFrom(resolved, deadline)
    } catch (error) {
      // A discovered auth URL that has no token endpoint (404) is a discovery problem, not a
      // credentials one: fall back to the standard location once, and keep it if it works.
      const discovered = !options.authUrl && resolved.tokenUrl !== fallback.tokenUrl
      const missing =
        error instanceof ConfigError &&
        error.cause instanceof HaloApiError &&
        error.cause.status === 404
      if (!discovered || !missing) throw error
      const standard = { tokenUrl: fallback.tokenUrl, tenant: resolved.tenant }
      const token = await requestTokenFrom(standard, deadline)
      target = Promise.resolve(standard)
      return token
    }
  }

  const requestTokenFrom = async (
    { tokenUrl, tenant }: AuthTarget,
    deadline: number,
  ): Promise<CachedToken> => {
    const url = tenant ? `${tokenUrl}?tenant=${encodeURIComponent(tenant)}` : tokenUrl
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: options.clientId,
      client_secret: options.clientSecret,
      scope,
    })
    const startedAt = now()
    let text: string
    try {
      const response = await send(
        {
          method: 'POST',
          url,
          endpoint: 'POST /auth/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
          auth: false,
          idempotent: true, // a second token request does no harm
          lane: 'write',
        },
        deadline,
      )
      text = response.text
    } catch (error) {
      if (error instanceof HaloApiError && error.status === 404) {
        throw new ConfigError(
          `no Halo token endpoint at ${tokenUrl} (HTTP 404); check the Halo URL`,
          [],
          {
            cause: error,
          },
        )
      }
      if (error instanceof HaloApiError && error.status !== undefined && !error.retryable) {
        throw new ConfigError(
          `Halo refused the API credentials (${error.haloMessage ?? `HTTP ${error.status}`}); ` +
            'check the client id, secret, tenant and scope of the Halo API application',
          [],
          { cause: error },
        )
      }
      throw error
    }

    let body: HaloTokenResponse
    try {
      body = await readOrThrow(HALO_READINGS.tokenResponse, JSON.parse(text))
    } catch (error) {
      throw new HaloApiError(
        200,
        'POST /auth/token: answer has no access_token',
        { kind: 'invalid_response', endpoint: 'POST /auth/token', retryable: true },
        { cause: error },
      )
    }
    const lifetimeMs = (body.expires_in ?? ASSUMED_LIFETIME_S) * 1000
    return {
      token: body.access_token,
      renewAt: startedAt + lifetimeMs - Math.min(renewMarginMs, lifetimeMs / 4),
      grant: { tokenUrl, tenant, requestedScope: scope, grantedScope: body.scope },
    }
  }

  const fresh = (deadline: number): Promise<CachedToken> => {
    if (cached && now() < cached.renewAt) return Promise.resolve(cached)
    pending ??= requestToken(deadline)
      .then((token) => {
        cached = token
        return token
      })
      .finally(() => {
        pending = undefined
      })
    return pending
  }

  return {
    get: (deadline) => fresh(deadline).then((token) => token.token),
    grant: (deadline) => fresh(deadline).then((token) => token.grant),
    invalidate(token) {
      if (cached?.token === token) cached = undefined
    },
  }
}
