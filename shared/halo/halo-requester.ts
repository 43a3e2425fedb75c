import { HaloApiError, isRetryableStatus } from '../errors.js'
import { type BackoffOptions, backoffDelay, parseRetryAfter } from './backoff.js'
import type { HaloCallCounter } from './halo-call-counter.js'
import { parseHaloErrorBody } from './halo-error-body.js'
import type { BudgetLane, RateBudget } from './rate-budget.js'

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
  /** Which share of the rate budget it draws on: writes first, then lookups, then notes. */
  lane: BudgetLane
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
  /**
   * When every request must be over (ms since epoch), asked at the start of each call: a worker's
   * own deadline. `undefined` for none.
   */
  endBy: () => number | undefined
}

/** An attempt with less time than this before `endBy` is not sent: it would likely be cut off. */
export const MIN_ATTEMPT_MS = 1_000

const isTimeout = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')

const LANE_ORDER: Record<BudgetLane, number> = { write: 0, read: 1, note: 2 }

type Waiter = {
  lane: BudgetLane
  seq: number
  deadline: number
  endpoint: string
  granted: (at: number) => void
  refused: (error: unknown) => void
}

/**
 * The callers of this process waiting for a budget slot, in line: writes before lookups before
 * notes, first come first served within a lane. One loop asks the budget for the caller at the
 * front and sleeps until the slot it was told about; a newcomer that outranks the front wakes it.
 * So a freed slot goes to the most urgent caller, not to whichever sleeper wakes first. A caller
 * whose deadline comes before its slot is let go with its place in the budget's line.
 */
const createWaitingLine = (deps: {
  budget: RateBudget
  now: () => number
  sleep: (ms: number) => Promise<void>
  counter: HaloCallCounter
}) => {
  const { budget, now, sleep, counter } = deps
  const waiting: Waiter[] = []
  let seq = 0
  let pumping = false
  let wake: (() => void) | undefined

  // The front may change while the budget is asked: remove the one that was asked about.
  const leave = (waiter: Waiter) => waiting.splice(waiting.indexOf(waiter), 1)

  const pump = async () => {
    pumping = true
    try {
      for (let head = waiting[0]; head; head = waiting[0]) {
        const answer = await budget.take(now(), head.lane).catch((error: unknown) => {
          leave(head as Waiter)
          head?.refused(error)
          return undefined
        })
        if (!answer) continue
        if (answer.granted) {
          leave(head)
          head.granted(answer.at)
          continue
        }
        if (now() + answer.retryAfterMs > head.deadline) {
          leave(head)
          counter.record(head.endpoint, 'budget_denied')
          const retryAfterMs = await budget
            .lineUp(now(), head.lane)
            .catch(() => answer.retryAfterMs)
          head.refused(
            new HaloApiError(
              undefined,
              `${head.endpoint}: Halo request budget exhausted, next slot in ${retryAfterMs} ms`,
              { kind: 'budget', endpoint: head.endpoint, retryAfterMs, retryable: true },
            ),
          )
          continue
        }
        counter.record(head.endpoint, 'budget_wait')
        await Promise.race([sleep(answer.retryAfterMs), new Promise<void>((go) => (wake = go))])
        wake = undefined
      }
    } finally {
      pumping = false
    }
  }

  /** A slot of `lane`; rejects with a `budget` error naming when to come back. */
  return (endpoint: string, lane: BudgetLane, deadline: number): Promise<number> =>
    new Promise<number>((granted, refused) => {
      const waiter = { lane, seq: seq++, deadline, endpoint, granted, refused }
      const front = waiting[0]
      waiting.push(waiter)
      waiting.sort((a, b) => LANE_ORDER[a.lane] - LANE_ORDER[b.lane] || a.seq - b.seq)
      if (!pumping) void pump()
      else if (front && waiting[0] === waiter) wake?.()
    })
}

/**
 * Builds the one function every Halo call goes through. In order, per attempt: take a slot of
 * the request's lane from the rate budget (waiting in line only while the wait fits before
 * `deadline`), send with the bearer token and a timeout, count the outcome, and turn anything
 * but 2xx into a {@link HaloApiError}.
 *
 * A 429 gives its slot back to the budget (Halo did not serve it, so the retry costs one slot,
 * not two) and teaches the budget Halo's real limit and `Retry-After`. Retries: 429 for every
 * request (a rate-limited request was not processed), timeouts, network errors, 408 and 5xx only
 * for idempotent requests, and a 401 renews the token once. A wait that would end after
 * `deadline` is never slept: the error carries `retryAfterMs`, the caller's place in the
 * budget's line (or the wait Halo asked for), so a worker defers its message instead of sleeping.
 *
 * `endBy` is harder: no wait or retry outlasts it, each attempt's timeout is cut to it, and an
 * attempt with less than {@link MIN_ATTEMPT_MS} left is not sent (a `deadline` failure, which
 * wrote nothing). A write cut off by it is a `timeout`, which may have been committed.
 */
export const createHaloRequester = (deps: HaloRequesterDeps) => {
  const { counter, now, sleep, budget } = deps
  const inLine = budget ? createWaitingLine({ budget, now, sleep, counter }) : undefined

  /** A slot of `lane`, or a `budget` error naming when to come back. Resolves with its grant time. */
  const takeSlot = (endpoint: string, lane: BudgetLane, deadline: number): Promise<number> =>
    inLine ? inLine(endpoint, lane, deadline) : Promise.resolve(now())

  return async (request: HaloRequest, waitDeadline: number): Promise<HaloResponse> => {
    const { endpoint } = request
    const endBy = deps.endBy()
    const deadline = endBy === undefined ? waitDeadline : Math.min(waitDeadline, endBy)
    const maxAttempts = request.attempts ?? deps.maxAttempts
    let attempt = 0
    let renewed = false

    /** Time left before `endBy` to send an attempt in; throws a `deadline` failure if too little. */
    const timeLeftToSend = (): number => {
      const left = endBy === undefined ? Number.POSITIVE_INFINITY : endBy - now()
      if (left >= MIN_ATTEMPT_MS) return left
      counter.record(endpoint, 'deadline')
      throw new HaloApiError(undefined, `${endpoint}: not sent, the worker's time is up`, {
        kind: 'deadline',
        endpoint,
        retryable: true,
      })
    }

    /** Sleeps before the next attempt when one is left and the wait fits; says whether to go on. */
    const retryAfter = async (waitMs: number, allowed: boolean): Promise<boolean> => {
      if (!allowed || attempt + 1 >= maxAttempts || now() + waitMs > deadline) return false
      await sleep(waitMs)
      attempt++
      return true
    }

    for (;;) {
      timeLeftToSend()
      // Token first: fetching it spends a slot of its own, and a caller holding an API slot
      // while waiting for a token slot could starve the token request.
      const token = request.auth ? await deps.tokens().get(deadline) : undefined
      // The wait deadline bounds waiting, not the request: once it has its slot it goes, with
      // its own timeout, so a slow Halo is not cut off into an ambiguous write (unless `endBy`
      // comes first: then the worker would be cut off with it).
      const grantedAt = await takeSlot(endpoint, request.lane, deadline)

      // Waiting for the slot may have used up the time the first check saw.
      const timeLeft = timeLeftToSend()

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
          signal: AbortSignal.timeout(Math.min(deps.timeoutMs, timeLeft)),
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

      const { message, fieldErrors, code } = parseHaloErrorBody(text)
      const retryable = isRetryableStatus(response.status)
      const asked = parseRetryAfter(response.headers.get('retry-after'), now())
      const throttled = response.status === 429
      if (throttled && budget) {
        // Halo did not serve it: the slot goes back, and the budget learns the real limit (and
        // holds every caller until Retry-After). The retry then waits in the budget's line.
        await budget.refused(now(), { grantedAt, retryAfterMs: asked })
        if (attempt + 1 < maxAttempts) {
          attempt++
          continue
        }
      } else {
        // A 429 means Halo turned the request away before doing anything, so even a write may
        // be sent again. (Assumed: Halo's limiter sits in front of the API; not confirmed.)
        const mayRetry = retryable && (throttled || request.idempotent)
        const waitMs = asked ?? backoffDelay(attempt, deps.backoff, deps.random)
        if (await retryAfter(waitMs, mayRetry)) continue
      }

      // Only a wait someone named travels with the error (the budget's line, or Halo's own
      // Retry-After): our back-off guess is for this call's retries, and a queue consumer has
      // its own schedule across redeliveries.
      const retryAfterMs = !retryable
        ? undefined
        : throttled && budget
          ? await budget.lineUp(now(), request.lane)
          : asked
      throw new HaloApiError(
        response.status,
        `${endpoint} -> ${response.status}${message ? `: ${message}` : ''}`,
        {
          kind: 'http',
          endpoint,
          haloMessage: message,
          haloCode: code,
          fieldErrors,
          retryable,
          retryAfterMs,
        },
      )
    }
  }
}

export type HaloRequester = ReturnType<typeof createHaloRequester>
