import { describe, expect, it } from 'vitest'
import { HaloApiError } from '../../../shared/errors.js'
import { createMemoryRateBudget } from '../../../shared/halo/memory-rate-budget.js'
import { useHaloSandbox } from '../../support/halo/halo-sandbox-fixture.js'

/** Records waits instead of sleeping, so back-off shows up as numbers, not test time. */
const recordedSleep = () => {
  const sleeps: number[] = []
  return { sleeps, sleep: async (ms: number) => void sleeps.push(ms) }
}

const isHaloError = (e: unknown): e is HaloApiError => e instanceof HaloApiError

describe('createHaloClient against the sandbox: rate limits', () => {
  const halo = useHaloSandbox()

  it('without a budget, honours Retry-After on 429 and succeeds on the next attempt', async () => {
    const { sleeps, sleep } = recordedSleep()
    const client = halo.client({ sleep, budget: false })
    halo.sandbox.setFaults({ next: [{ status: 429, retryAfter: '2', match: 'post /api/tickets' }] })

    const ticket = await client.createTicket({ summary: 'after 429' })

    expect(ticket.id).toBeTypeOf('number')
    expect(sleeps).toEqual([2_000])
    expect(halo.sandbox.tickets()).toHaveLength(1)
  })

  it('without a budget, backs off exponentially with jitter on 429 without Retry-After', async () => {
    const { sleeps, sleep } = recordedSleep()
    const client = halo.client({
      sleep,
      budget: false,
      random: () => 0.5,
      backoff: { baseMs: 1_000, maxMs: 60_000 },
    })
    halo.sandbox.setFaults({
      next: [
        { status: 429, match: 'get /api/client' },
        { status: 429, match: 'get /api/client' },
      ],
    })

    const clients = await client.listClients()

    expect(clients.items).toHaveLength(4)
    expect(sleeps).toEqual([750, 1_500])
  })

  it("hits the sandbox's hosted-style limit and carries Halo's message", async () => {
    halo.sandbox.setRateLimit({ limit: 3, windowMs: 300_000 })
    const client = halo.client({ maxAttempts: 1 })

    await client.listClients() // authinfo + token + this = 3
    const attempt = client.listClients()

    await expect(attempt).rejects.toSatisfy(
      (e) =>
        isHaloError(e) &&
        e.status === 429 &&
        e.retryable &&
        e.haloMessage === 'Rate Limit Reached - 3 Requests per rolling 5 minute window',
    )
  })

  it('gives up with the Retry-After wait when it does not fit the deadline', async () => {
    halo.sandbox.setRateLimit({ limit: 3, windowMs: 300_000, retryAfter: true })
    const { sleeps, sleep } = recordedSleep()
    const client = halo.client({ sleep, maxWaitMs: 10_000 })
    await client.listClients()

    const attempt = client.listClients()

    // The 429 holds the whole budget until Retry-After: the caller is told to come back then.
    await expect(attempt).rejects.toSatisfy(
      (e) =>
        isHaloError(e) &&
        e.kind === 'budget' &&
        !e.mayHaveWritten &&
        (e.retryAfterMs ?? 0) > 200_000,
    )
    expect(sleeps).toEqual([])
  })

  it('learns a limit lower than configured from the 429s, and stays under it', async () => {
    halo.sandbox.setRateLimit({ limit: 8, windowMs: 300_000 })
    const budget = createMemoryRateBudget({ limit: 20, windowMs: 300_000 })
    const client = halo.client({ budget, maxWaitMs: 100 })

    const results = await Promise.allSettled(
      Array.from({ length: 12 }, () => client.createTicket({ summary: 'storm' })),
    )

    const throttled = halo.sandbox.requests().filter((request) => request.status === 429)
    expect(halo.sandbox.tickets()).toHaveLength(6) // authinfo + token + 6 = the sandbox's 8
    expect(throttled.length).toBeGreaterThan(0)
    expect(budget.learnedLimit()).toBeLessThanOrEqual(8)
    expect(results.filter((result) => result.status === 'rejected')).toHaveLength(6)
    // Once learned, the rest wait for the budget instead of asking Halo again.
    const before = halo.sandbox.requests().length
    await expect(client.createTicket({ summary: 'later' })).rejects.toSatisfy(
      (e) => isHaloError(e) && e.kind === 'budget',
    )
    expect(halo.sandbox.requests()).toHaveLength(before)
  })

  it('never lets concurrent callers exceed the budget, and tells the rest when to come back', async () => {
    const budget = createMemoryRateBudget({ limit: 6, windowMs: 60_000 })
    const client = halo.client({ budget, maxWaitMs: 1_000 })

    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => client.createTicket({ summary: `t${i}` })),
    )

    const denied = results.filter((r) => r.status === 'rejected')
    expect(halo.sandbox.requests()).toHaveLength(6) // authinfo + token + 4 tickets
    expect(halo.sandbox.tickets()).toHaveLength(4)
    expect(denied).toHaveLength(6)
    for (const result of denied) {
      expect(result.status === 'rejected' && result.reason).toSatisfy(
        (e) => isHaloError(e) && e.kind === 'budget' && (e.retryAfterMs ?? 0) > 1_000,
      )
    }
  })
})

describe('createHaloClient against the sandbox: error bodies', () => {
  const halo = useHaloSandbox()

  it('reads the .NET exception Halo sends for an action without outcome', async () => {
    const client = halo.client()
    const ticket = await client.createTicket({ summary: 'x' })

    const attempt = client.addAction({ ticket_id: ticket.id, note: 'no outcome' })

    await expect(attempt).rejects.toSatisfy(
      (e) =>
        isHaloError(e) &&
        e.status === 400 &&
        !e.retryable &&
        e.haloMessage === 'An Outcome must be entered for this Action',
    )
  })

  it.each([
    [
      'a .NET exception',
      JSON.stringify({ ClassName: 'System.Exception', Message: 'Boom' }),
      'Boom',
    ],
    [
      'field-keyed model errors',
      JSON.stringify({ '[0].summary': ['The field is required.'] }),
      '[0].summary: The field is required.',
    ],
    [
      'plain text',
      'CODE:APP03/2 Please select the CAB members to approve',
      'CODE:APP03/2 Please select the CAB members to approve',
    ],
    ['an {error} object', JSON.stringify({ error: 'access_denied' }), 'access_denied'],
  ])('reads %s', async (_, body, message) => {
    halo.sandbox.setFaults({ next: [{ status: 400, body, match: 'post /api/tickets' }] })

    const attempt = halo.client().createTicket({ summary: 'x' })

    await expect(attempt).rejects.toSatisfy(
      (e) => isHaloError(e) && e.status === 400 && e.haloMessage === message,
    )
  })

  it('keeps model-binding field errors from the sandbox for a wrongly typed field', async () => {
    const client = halo.client()

    // A field outside our schema passes through untouched; Halo's binder still checks its type.
    const attempt = client.createTicket({ summary: 'x', parent_id: 'abc' })

    await expect(attempt).rejects.toSatisfy(
      (e) =>
        isHaloError(e) &&
        e.status === 400 &&
        !e.retryable &&
        e.fieldErrors?.['[0].parent_id'] !== undefined &&
        (e.haloMessage ?? '').startsWith('[0].parent_id:'),
    )
  })

  it('refuses a wrongly typed known field before sending it', async () => {
    const client = halo.client()

    const attempt = client.createTicket({ summary: 'x', urgency: 'high' as unknown as number })

    await expect(attempt).rejects.toSatisfy((e) => isHaloError(e) && e.kind === 'invalid_request')
    expect(halo.sandbox.requests().filter((r) => r.path === 'post /api/tickets')).toHaveLength(0)
  })
})

describe('createHaloClient against the sandbox: server failures and lost answers', () => {
  const halo = useHaloSandbox()

  it('retries a read through 500, 502 and 503', async () => {
    halo.sandbox.setFaults({
      next: [500, 502, 503].map((status) => ({ status, match: 'get /api/client' })),
    })

    const clients = await halo.client().listClients({ search: 'acme' })

    expect(clients.items.map((c) => c.name)).toEqual(['Acme Dental'])
    expect(
      halo.sandbox
        .requests()
        .filter((r) => r.path === 'get /api/client')
        .map((r) => r.status),
    ).toEqual([500, 502, 503, 200])
  })

  it('does not resend a create after a 502, and says it is retryable', async () => {
    halo.sandbox.setFaults({ next: [{ status: 502, match: 'post /api/tickets' }] })

    const attempt = halo.client().createTicket({ summary: 'x' })

    await expect(attempt).rejects.toSatisfy(
      (e) => isHaloError(e) && e.status === 502 && e.retryable,
    )
    expect(halo.sandbox.requests().filter((r) => r.path === 'post /api/tickets')).toHaveLength(1)
  })

  it('commit then reset: the ticket exists, the client sees a retryable network error', async () => {
    halo.sandbox.setFaults({ next: [{ drop: 'reset', match: 'post /api/tickets' }] })
    const client = halo.client()

    const attempt = client.createTicket({
      summary: 'lost answer',
      third_party_id_string: 'am:disk:1',
    })

    await expect(attempt).rejects.toSatisfy(
      (e) => isHaloError(e) && e.kind === 'network' && e.retryable && e.status === undefined,
    )
    expect(halo.sandbox.tickets()).toHaveLength(1)
    // The caller recovers by looking the ticket up instead of creating it again.
    const found = await client.findTicketsByThirdPartyId('am:disk:1')
    expect(found.map((t) => t.summary)).toEqual(['lost answer'])
  })

  it('commit then hang: the ticket exists, the client times out', async () => {
    halo.sandbox.setFaults({ next: [{ drop: 'hang', match: 'post /api/actions' }] })
    const ticket = await halo.client().createTicket({ summary: 'x' })
    // The answer never comes, so the test lasts the timeout, which no load can bring forward.
    const client = halo.client({ timeoutMs: 1_000, maxWaitMs: 300 })

    const attempt = client.addAction({ ticket_id: ticket.id, outcome: 'Private Note', note: 'n' })

    await expect(attempt).rejects.toSatisfy(
      (e) => isHaloError(e) && e.kind === 'timeout' && e.retryable,
    )
    expect(halo.sandbox.actions(ticket.id)).toHaveLength(1)
    halo.sandbox.releaseHangs()
  })

  it('adds the configured latency: a request slower than its timeout gives up', async () => {
    const client = halo.client({ timeoutMs: 500, maxAttempts: 1 })
    await client.listClients()
    halo.sandbox.setFaults({ latencyMs: 1_000 })

    const attempt = client.listClients()

    await expect(attempt).rejects.toSatisfy((e) => isHaloError(e) && e.kind === 'timeout')
  })

  it('lets a request that got its slot take its own timeout, however short the wait allowed', async () => {
    const client = halo.client({ timeoutMs: 5_000, maxAttempts: 1, maxWaitMs: 100 })
    await client.listClients()
    halo.sandbox.setFaults({ latencyMs: 300 })

    const clients = await client.listClients()

    expect(clients.items.length).toBeGreaterThan(0)
  })

  it('injects a configured fraction of failures, reproducibly, through the admin endpoint', async () => {
    const put = await fetch(`${halo.url}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ errorRate: 0.5, errorStatuses: [503], seed: 7 }),
    })
    expect(put.status).toBe(200)
    const client = halo.client({ maxAttempts: 1 })

    const outcomes: string[] = []
    for (let i = 0; i < 20; i++) {
      outcomes.push(
        await client.listClients().then(
          () => 'ok',
          (e: HaloApiError) => String(e.status),
        ),
      )
    }

    expect(outcomes.filter((o) => o === '503').length).toBeGreaterThan(3)
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThan(3)
  })
})
