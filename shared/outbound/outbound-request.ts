import { clipText } from '../clip-text.js'
import { OutboundApiError } from '../errors.js'
import { parseRetryAfter } from '../halo/backoff.js'

/** What every outbound client is given to reach its API. */
export type OutboundHttp = {
  fetch?: typeof globalThis.fetch
  /** @default 10_000 */
  timeoutMs?: number
  /** Clock in ms since epoch, for `Retry-After` dates. @default Date.now */
  now?: () => number
}

export type OutboundRequest = {
  /** The source API, e.g. `pagerduty`, for errors and logs. */
  target: string
  /** `PUT /incidents/{id}` style label, without ids. */
  endpoint: string
  method: 'GET' | 'POST' | 'PUT'
  url: string
  headers: Record<string, string>
  body?: string
  /** A non-2xx answer that still means done (e.g. "already resolved"); it is returned, not thrown. */
  accept?: (status: number, text: string) => boolean
  /** A non-2xx answer besides 401/403 that says the credentials are wrong (OAuth `invalid_grant`). */
  refusesCredentials?: (status: number, text: string) => boolean
}

export type OutboundResponse = { status: number; headers: Headers; text: string }

/** The API's own message, clipped: enough for the park reason, never a whole body. */
const MAX_DETAIL = 300

/**
 * How long the API asked us to wait: `Retry-After` (RFC 9110), or PagerDuty's `ratelimit-reset`
 * (seconds until the window resets).
 */
const waitAsked = (headers: Headers, now: number) => {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now)
  if (retryAfter !== undefined) return retryAfter
  const reset = headers.get('ratelimit-reset')
  return reset && /^\d+$/.test(reset.trim()) ? Number(reset) * 1000 : undefined
}

/**
 * Makes one request to a source's API and translates every failure into an
 * {@link OutboundApiError}: no answer (timeout, network) and 408/429/5xx are retryable with the
 * wait the API named, 401/403 are refused credentials, anything else non-2xx is permanent.
 */
export const sendOutbound = async (
  request: OutboundRequest,
  { fetch = globalThis.fetch, timeoutMs = 10_000, now = Date.now }: OutboundHttp = {},
): Promise<OutboundResponse> => {
  const { target, endpoint } = request
  let response: Response
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError'
    throw new OutboundApiError(
      target,
      endpoint,
      undefined,
      `${target} ${endpoint}: ${timedOut ? `no answer within ${timeoutMs} ms` : 'connection failed'}`,
      { cause: error },
    )
  }
  const text = await response.text().catch(() => '')
  if (response.ok || request.accept?.(response.status, text)) {
    return { status: response.status, headers: response.headers, text }
  }
  throw new OutboundApiError(
    target,
    endpoint,
    response.status,
    `${target} ${endpoint} -> ${response.status}${text ? `: ${clipText(text, MAX_DETAIL)}` : ''}`,
    {
      retryAfterMs: waitAsked(response.headers, now()),
      credentialsRefused: request.refusesCredentials?.(response.status, text) ?? false,
    },
  )
}

/** Reads a JSON answer, or undefined when the body is not JSON. */
export const jsonOf = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
