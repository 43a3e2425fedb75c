import { describe, expect, it } from 'vitest'
import { HaloApiError } from '../../../shared/errors.js'
import { createHaloClient, type HaloClientOptions } from '../../../shared/halo/halo-client.js'
import { createMemoryRateBudget } from '../../../shared/halo/memory-rate-budget.js'
import {
  isTokenCall,
  json,
  manualClock,
  type RecordedCall,
  type ScriptedAnswer,
  scriptedFetch,
  tokenAnswer,
} from '../../support/halo/scripted-fetch.js'

const setup = (
  api: (call: RecordedCall, index: number) => ScriptedAnswer | Promise<ScriptedAnswer>,
  options: Partial<HaloClientOptions> = {},
) => {
  const clock = manualClock()
  let apiIndex = 0
  const { fetch, calls } = scriptedFetch((call) =>
    isTokenCall(call) ? tokenAnswer() : api(call, apiIndex++),
  )
  const client = createHaloClient({
    baseUrl: 'https://acme.halo.test',
    clientId: 'id',
    clientSecret: 'secret',
    discover: false,
    fetch,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    backoff: { baseMs: 1_000, maxMs: 60_000 },
    ...options,
  })
  const apiCalls = () => calls.filter((c) => !isTokenCall(c))
  return { client, calls, apiCalls, clock }
}

const rateLimited = (headers: Record<string, string> = {}) =>
  new Response('Rate Limit Reached - 300 Requests per rolling 5 minute window', {
    status: 429,
    headers,
  })

describe('createHaloClient retries and deadlines', () => {
  it('without a budget, honours Retry-After on 429 and then succeeds, even for a write', async () => {
    const { client, clock, apiCalls } = setup(
      (_, i) => (i === 0 ? rateLimited({ 'retry-after': '7' }) : json({ id: 1, summary: 's' })),
      { budget: false },
    )

    const ticket = await client.createTicket({ summary: 's' })

    expect(ticket.id).toBe(1)
    expect(clock.sleeps).toEqual([7_000])
    expect(apiCalls()).toHaveLength(2)
  })

  it('without a budget, backs off exponentially with jitter on 429 without Retry-After', async () => {
    const { client, clock } = setup((_, i) => (i < 3 ? rateLimited() : json({ id: 1 })), {
      budget: false,
    })

    await client.getTicket(1)

    // random() = 0.5 → three quarters of each doubling ceiling.
    expect(clock.sleeps).toEqual([750, 1_500, 3_000])
  })

  it('does not sleep past the deadline: it fails with retryAfterMs so the caller can defer', async () => {
    const { client, clock } = setup(() => rateLimited({ 'retry-after': '10' }), {
      maxWaitMs: 5_000,
      budget: false,
    })

    const attempt = client.getTicket(1)

    await expect(attempt).rejects.toSatisfy(
      (e) =>
        e instanceof HaloApiError && e.status === 429 && e.retryable && e.retryAfterMs === 10_000,
    )
    expect(clock.sleeps).toEqual([])
  })

  it('retries a GET after 503 but never resends a POST after 503', async () => {
    const get = setup((_, i) => (i === 0 ? json({ Message: 'down' }, 503) : json({ id: 1 })))
    await get.client.getTicket(1)
    expect(get.apiCalls()).toHaveLength(2)

    const post = setup(() => json({ Message: 'down' }, 503))
    const attempt = post.client.createTicket({ summary: 's' })
    await expect(attempt).rejects.toSatisfy(
      (e) =>
        e instanceof HaloApiError &&
        e.status === 503 &&
        e.retryable &&
        e.haloMessage === 'down' &&
        e.retryAfterMs === undefined,
    )
    expect(post.apiCalls()).toHaveLength(1)
  })

  it('reports a network failure on a write as retryable, warning that it may have been committed', async () => {
    const { client, apiCalls } = setup(() => new TypeError('fetch failed'))

    const attempt = client.createTicket({ summary: 's' })

    await expect(attempt).rejects.toSatisfy(
      (e) =>
        e instanceof HaloApiError && e.kind === 'network' && e.retryable && e.status === undefined,
    )
    await expect(attempt).rejects.toThrow(/may have been committed/)
    expect(apiCalls()).toHaveLength(1)
  })

  it('times out a request that does not answer', async () => {
    const { client } = setup(
      (call) =>
        new Promise<Response>((_, reject) => {
          // Behaves like fetch: the abort signal rejects the pending request.
          call.signal?.addEventListener('abort', () => reject(call.signal?.reason))
        }),
      { timeoutMs: 20, maxAttempts: 1, sleep: async () => {}, now: Date.now },
    )

    await expect(client.getTicket(1)).rejects.toSatisfy(
      (e) => e instanceof HaloApiError && e.kind === 'timeout' && e.retryable,
    )
  })

  it('treats 400 as not retryable and keeps field errors', async () => {
    const { client, apiCalls } = setup(() => json({ '[0].client_id': ['Could not convert.'] }, 400))

    const attempt = client.createTicket({ summary: 's' })

    await expect(attempt).rejects.toSatisfy(
      (e) =>
        e instanceof HaloApiError &&
        e instanceof HaloApiError &&
        !e.retryable &&
        e.fieldErrors?.['[0].client_id']?.[0] === 'Could not convert.',
    )
    expect(apiCalls()).toHaveLength(1)
  })

  it('gives a 429 its slot back, waits out Retry-After in the budget, then succeeds', async () => {
    const budget = createMemoryRateBudget({ limit: 10, windowMs: 60_000 })
    const { client, clock, apiCalls } = setup(
      (_, i) => (i === 0 ? rateLimited({ 'retry-after': '7' }) : json({ id: 1, summary: 's' })),
      { budget },
    )

    await client.createTicket({ summary: 's' })

    expect(clock.sleeps).toEqual([7_000])
    expect(apiCalls()).toHaveLength(2)
    // The token and the ticket hold a slot each; the refused request holds none.
    expect(await budget.take(clock.now(), 'write')).toMatchObject({ granted: true })
    expect(budget.learnedLimit()).toBe(7) // a quarter off at most
  })

  it.each([
    ['an HTTP date', { 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }, 'text', 5_000],
    ['seconds, with a JSON body', { 'retry-after': '3' }, 'json', 3_000],
    ['a negative value', { 'retry-after': '-30' }, 'text', 0],
    ['days', { 'retry-after': String(3 * 86_400) }, 'json', 900_000],
  ] as const)(
    'with a budget, takes a Retry-After given as %s without a burst or a lost call',
    async (_, headers, body, waitMs) => {
      const budget = createMemoryRateBudget({ limit: 100, windowMs: 60_000 })
      const { client, clock, apiCalls } = setup(
        (_, i) =>
          i === 0
            ? new Response(
                body === 'json' ? JSON.stringify({ message: 'Rate limit reached' }) : 'Slow down',
                { status: 429, headers },
              )
            : json({ id: 1 }),
        { budget, maxWaitMs: 3_600_000 },
      )

      await client.getTicket(1)

      expect(apiCalls()).toHaveLength(2)
      // The wait it honoured (bounded at 15 minutes), else one request's spacing at the new limit.
      const waited = clock.sleeps.reduce((sum, ms) => sum + ms, 0)
      expect(waited).toBe(Math.max(waitMs, waitMs === 0 ? Math.ceil(60_000 / 75) : 0))
    },
  )

  it('with a budget, defers a 429 that cannot be retried in time to its place in line', async () => {
    const budget = createMemoryRateBudget({ limit: 10, windowMs: 60_000 })
    const { client, clock } = setup(() => rateLimited({ 'retry-after': '10' }), {
      budget,
      maxWaitMs: 5_000,
    })

    await expect(client.getTicket(1)).rejects.toSatisfy(
      (e) =>
        e instanceof HaloApiError &&
        e.kind === 'budget' &&
        e.retryable &&
        !e.mayHaveWritten &&
        e.retryAfterMs === 10_000,
    )
    expect(clock.sleeps).toEqual([])
  })

  it('gives a freed slot to a waiting write before a note that waited longer', async () => {
    const budget = createMemoryRateBudget({ limit: 3, windowMs: 10_000 })
    const clock = manualClock()
    const asleep: (() => void)[] = []
    const order: string[] = []
    const { client } = setup(
      (call) => {
        order.push(String(call.url).includes('Actions') ? 'note' : 'write')
        return json({ id: 1, ticket_id: 1 })
      },
      {
        budget,
        now: clock.now,
        // Sleeps end when the test says so, as a timer would while other callers arrive.
        sleep: () => new Promise<void>((done) => asleep.push(done)),
      },
    )
    await client.createTicket({ summary: 'a' }) // token + 1
    await client.createTicket({ summary: 'b' }) // the window is full

    const note = client.addAction({ ticket_id: 1, outcome: 'Private Note', note: 'n' })
    await new Promise((settle) => setTimeout(settle, 5))
    const write = client.createTicket({ summary: 'c' })
    await new Promise((settle) => setTimeout(settle, 5))
    clock.advance(10_500) // the token's and the first ticket's slots are free again
    for (const done of asleep.splice(0)) done()
    await Promise.all([note, write])

    expect(order).toEqual(['write', 'write', 'write', 'note'])
  })

  it('waits for the budget when the next slot fits the deadline', async () => {
    // Lookups may fill 95 % of the window: 2 of 3 here.
    const budget = createMemoryRateBudget({ limit: 3, windowMs: 10_000 })
    const { client, clock, calls } = setup(() => json({ id: 1 }), { budget })

    await client.getTicket(1) // token + 1 request = 2 slots
    await client.getTicket(1)

    // The slot frees when its request has left the window, plus a 500 ms settle margin.
    expect(clock.sleeps).toEqual([10_500])
    expect(calls).toHaveLength(3)
  })

  it('tells the caller how long to wait when the budget is exhausted past its deadline', async () => {
    const budget = createMemoryRateBudget({ limit: 3, windowMs: 20_000 })
    const { client, clock, calls } = setup(() => json({ id: 1 }), { budget, maxWaitMs: 5_000 })
    await client.getTicket(1)

    const attempt = client.getTicket(1)

    await expect(attempt).rejects.toSatisfy(
      (e) =>
        e instanceof HaloApiError &&
        e.kind === 'budget' &&
        e.retryable &&
        e.retryAfterMs === 20_500,
    )
    expect(clock.sleeps).toEqual([])
    expect(calls).toHaveLength(2)
    expect(client.calls.snapshot().byEndpoint['GET /Tickets/{id}']).toEqual({
      ok: 1,
      budget_denied: 1,
    })
  })

  it('spends a default budget of 250 requests per rolling 300 s when none is given', async () => {
    const { client, calls } = setup(() => json({ id: 1 }), { maxWaitMs: 1_000 })
    for (let i = 0; i < 236; i++) await client.getTicket(1) // + 1 token request = 237 (95 %)

    await expect(client.getTicket(1)).rejects.toSatisfy(
      (e) => e instanceof HaloApiError && e.kind === 'budget' && e.retryAfterMs === 301_000,
    )
    for (let i = 0; i < 13; i++) await client.createTicket({ summary: 's' }) // writes: up to 250
    await expect(client.createTicket({ summary: 's' })).rejects.toSatisfy(
      (e) => e instanceof HaloApiError && e.kind === 'budget',
    )
    expect(calls).toHaveLength(250)
  })

  it('sends without a budget when told budget: false', async () => {
    const { client, calls } = setup(() => json({ id: 1 }), { budget: false })
    for (let i = 0; i < 300; i++) await client.getTicket(1)

    expect(calls).toHaveLength(301)
  })

  it('treats 408 as retryable', async () => {
    const { client, apiCalls } = setup((_, i) => (i === 0 ? json('timeout', 408) : json({ id: 1 })))

    await client.getTicket(1)

    expect(apiCalls()).toHaveLength(2)
  })

  it('refuses to send a body that fails its own schema, without a request', async () => {
    const { client, calls } = setup(() => json({ id: 1 }))

    const attempt = client.createTicket({ summary: 's', client_id: '12' as unknown as number })

    await expect(attempt).rejects.toSatisfy(
      (e) => e instanceof HaloApiError && e.kind === 'invalid_request' && !e.retryable,
    )
    expect(calls).toHaveLength(0)
  })

  it('counts every call by endpoint and outcome', async () => {
    const { client } = setup((_, i) =>
      i === 0 ? rateLimited({ 'retry-after': '1' }) : json({ id: 1 }),
    )

    await client.getTicket(1)
    await client.createTicket({ summary: 's' })

    expect(client.calls.snapshot()).toEqual({
      sent: 4,
      throttled: 1,
      byEndpoint: {
        'POST /auth/token': { ok: 1 },
        'GET /Tickets/{id}': { '429': 1, budget_wait: 1, ok: 1 },
        'POST /Tickets': { ok: 1 },
      },
    })
  })
})
