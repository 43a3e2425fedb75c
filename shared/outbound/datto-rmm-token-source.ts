import { OutboundApiError } from '../errors.js'
import { jsonOf, type OutboundHttp, sendOutbound } from './outbound-request.js'

export type DattoRmmTokenSourceOptions = OutboundHttp & {
  /** `https://<platform>-api.centrastage.net`, without `/api`. */
  apiUrl: string
  apiKey: string
  apiSecret: string
}

/** Datto's tokens last 100 hours; renew well before, in case `expires_in` is missing. */
const DEFAULT_LIFETIME_MS = 100 * 3_600_000
const RENEW_MARGIN_MS = 5 * 60_000

/**
 * Datto RMM's OAuth token, asked for once and kept until shortly before it expires:
 * `POST /auth/oauth/token` (outside `/api`) with the fixed client `public-client:public` and the
 * user's API key and secret as a password grant. `invalidate()` drops a token the API refused.
 */
export const createDattoRmmTokenSource = (options: DattoRmmTokenSourceOptions) => {
  const now = options.now ?? Date.now
  let cached: { token: string; expiresAt: number } | undefined
  let asking: Promise<string> | undefined

  const ask = async () => {
    const response = await sendOutbound(
      {
        target: 'datto-rmm',
        endpoint: 'POST /auth/oauth/token',
        method: 'POST',
        url: `${options.apiUrl.replace(/\/$/, '')}/auth/oauth/token`,
        headers: {
          authorization: `Basic ${Buffer.from('public-client:public').toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({
          grant_type: 'password',
          username: options.apiKey,
          password: options.apiSecret,
        }).toString(),
        // OAuth servers answer a wrong password grant with 400 invalid_grant (RFC 6749 §5.2).
        refusesCredentials: (status, text) =>
          status === 400 &&
          (jsonOf(text) as { error?: unknown } | undefined)?.error === 'invalid_grant',
      },
      options,
    )
    const body = jsonOf(response.text) as { access_token?: unknown; expires_in?: unknown }
    if (typeof body?.access_token !== 'string' || body.access_token === '') {
      throw new OutboundApiError(
        'datto-rmm',
        'POST /auth/oauth/token',
        response.status,
        'datto-rmm POST /auth/oauth/token: the answer has no access_token',
      )
    }
    const lifetime =
      typeof body.expires_in === 'number' && body.expires_in > 0
        ? body.expires_in * 1000
        : DEFAULT_LIFETIME_MS
    cached = { token: body.access_token, expiresAt: now() + lifetime - RENEW_MARGIN_MS }
    return body.access_token
  }

  return {
    /** The cached token while fresh, else a new one (one request however many callers wait). */
    async token(): Promise<string> {
      if (cached && now() < cached.expiresAt) return cached.token
      asking ??= ask().finally(() => {
        asking = undefined
      })
      return asking
    },
    /** Forgets `token` (the API answered 401 with it), so the next call asks for a new one. */
    invalidate(token: string) {
      if (cached?.token === token) cached = undefined
    },
  }
}

export type DattoRmmTokenSource = ReturnType<typeof createDattoRmmTokenSource>
