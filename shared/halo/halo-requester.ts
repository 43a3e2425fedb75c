import { HaloApiError, isRetryableStatus } from '../errors.js'
import { type BackoffOptions, backoffDelay, parseRetryAfter } from './backoff.js'
import type { HaloCallCounter } from './halo-call-counter.js'
import { parseHaloErrorBody } from './halo-error-body.js'
import type { RateBudget } from './rate-budget.js'

/** One HTTP exchange with Halo, before retries. */
export type HaloRequest = {
  method: 'GET' | 'POST' | 'DELETE'
  url: string
  /** Label for counts, logs and errors: `POST /Tickets`, `GET /Tickets/{id}`. */
  endpoint: string
  headers?: Record<string, string>
  body?: string
  /** Send the bearer token, and renew it once when Halo answers 401. */
  auth: boolean
  /**
   * Safe to send again after a timeout, a dropped connection or a 5xx. False for writes: Halo may
   * have committed a ticket before the answer was lost, and a blind resend would duplicate it.
   */
  idempotent: boolean
  /** Attempts in total, overriding the requester's default. */
  attempts?: number
}

/** A 2xx answer, its body already read. */
export type HaloResponse = { status: number; headers: Headers; text: string }

/** The token side of the requester, bound late because fetching a token is itself a request. */
export type BearerTokens = {
  get(deadline: number): Promise<string>
  /** Drops `token` from the cache if it is still the cached one. */
  invalidate(token: string): void
}

export type HaloRequesterDeps = {
  fetch: typeof fetch
  timeoutMs: number
  budget: RateBudget | undefined
  now: () => number
  sleep: (ms: number) => Promise<void>
  random: () => number
  counter: HaloCallCounter
  /** Attempts per call for retryable failures, including the first. */
  maxAttempts: number
  backoff: BackoffOptions
  tokens: () => BearerTokens
}

const isTimeout = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')

/**
 * Builds the one function every Halo call goes through. In order, per attempt: take a slot from
 * the rate budget (waiting only while the wait fits before `deadline`), send with the bearer
 * token and a timeout, count the outcome, and turn anything but 2xx into a
 * {@link HaloApiError}.
 *
 * Retries: 429 for every request (a rate-limited request was not processed), timeouts, network
 * errors, 408 and 5xx only for idempotent requests, and a 401 renews the token once. A wait that
 * would end after `deadline` is never slept: the error carries the wait Halo asked for
 * (`Retry-After`) or the budget named as `retryAfterMs` instead, so a Lambda worker can defer its
 * message rather than run out of time.
 */
export const createHaloRequester = (deps: HaloRequesterDeps) => {
  const { counter, now, sleep } = deps

  const takeBudget = async (endpoint: string, deadline: number): Promise<void> => {
    if (!deps.budget) return
    for (;;) {
      const decision = await deps.budget.take(now())
      if (decision.granted) return
      if (now() + decision.retryAfterMs > deadline) {
        counter.record(endpoint, 'budget_denied')
        throw new HaloApiError(
          undefined,
          `${endpoint}: Halo request budget exhausted, next slot in ${decision.retryAfterMs} ms`,
          { kind: 'budget', endpoint, retryAfterMs: decision.retryAfterMs, retryable: true },
        )
      }
      counter.record(endpoint, 'budget_wait')
      await sleep(decision.retryAfterMs)
    }
  }

  return async (request: HaloRequest, deadline: number): Promise<HaloResponse> => {
    const { endpoint } = request
    const maxAttempts = request.attempts ?? deps.maxAttempts
    let attempt = 0
    let renewed = false

    /** Sleeps before the next attempt when one is left and the wait fits; says whether to go on. */
    const retryAfter = async (waitMs: number, allowed: boolean): Promise<boolean> => {
      if (!allowed || attempt + 1 >= maxAttempts || now() + waitMs > deadline) return false
      await sleep(waitMs)
      attempt++
      return true
    }

    for (;;) {
      // Token first: fetching it spends a slot of its own, and a caller holding an API slot
      // while waiting for a token slot could starve the token request.
      const token = request.auth ? await deps.tokens().get(deadline) : undefined
      await takeBudget(endpoint, deadline)
      const remaining = deadline - now()
      if (remaining <= 0) {
        throw new HaloApiError(undefined, `${endpoint}: deadline passed before sending`, {
          kind: 'deadline',
          endpoint,
          retryable: true,
        })
      }

      let response: Response
      let text: string
      try {
        response = await deps.fetch(request.url, {
          method: request.method,
          headers: {
            accept: 'application/json',
            ...request.headers,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: request.body,
          signal: AbortSignal.timeout(Math.min(deps.timeoutMs, remaining)),
        })
        text = await response.text()
      } catch (error) {
        const kind = isTimeout(error) ? 'timeout' : 'network'
        counter.record(endpoint, kind)
        const waitMs = backoffDelay(attempt, deps.backoff, deps.random)
        if (await retryAfter(waitMs, request.idempotent)) continue
        throw new HaloApiError(
          undefined,
          `${endpoint}: ${kind === 'timeout' ? 'no answer in time' : 'connection failed'}` +
            (request.idempotent ? '' : ' (the write may have been committed)'),
          { kind, endpoint, retryable: true },
          { cause: error },
        )
      }

      if (response.ok) {
        counter.record(endpoint, 'ok')
        return { status: response.status, headers: response.headers, text }
      }
      counter.record(endpoint, `${response.status}`)

      if (response.status === 401 && token !== undefined && !renewed) {
        // The token expired early or was revoked: renew once; a second 401 is a real refusal.
        renewed = true
        deps.tokens().invalidate(token)
        continue
      }

      const { message, fieldErrors } = parseHaloErrorBody(text)
      const retryable = isRetryableStatus(response.status)
      // Only Halo's own Retry-After travels with the error: our back-off guess is for this
      // call's retries, and a queue consumer has its own schedule across redeliveries.
      const asked = parseRetryAfter(response.headers.get('retry-after'), now())
      const waitMs = asked ?? backoffDelay(attempt, deps.backoff, deps.random)
      // A 429 means Halo turned the request away before doing anything, so even a write may be
      // sent again. (Assumed: Halo's limiter sits in front of the API; not confirmed by Halo.)
      const mayRetry = retryable && (response.status === 429 || request.idempotent)
      if (await retryAfter(waitMs, mayRetry)) continue

      throw new HaloApiError(
        response.status,
        `${endpoint} -> ${response.status}${message ? `: ${message}` : ''}`,
        {
          kind: 'http',
          endpoint,
          haloMessage: message,
          fieldErrors,
          retryable,
          retryAfterMs: retryable ? asked : undefined,
        },
      )
    }
  }
}

export type HaloRequester = ReturnType<typeof createHaloRequester>
