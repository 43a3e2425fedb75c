import { fileURLToPath } from 'node:url'
import { SANDBOX_CREDENTIALS } from '../local/halo-sandbox/halo-sandbox.js'
import { startHaloSandbox } from '../local/halo-sandbox/start-halo-sandbox.js'
import { createHaloClient } from '../shared/halo/halo-client.js'
import { createMemoryRateBudget } from '../shared/halo/memory-rate-budget.js'
import type { RateBudget } from '../shared/halo/rate-budget.js'

// Measures what the Halo client costs on top of a bare fetch to the same sandbox in the same
// run, and checks that concurrent callers sharing a budget never exceed it. Reports numbers;
// it asserts nothing about speed.

const ROUNDS = 400
const WARMUP = 50

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

const timeEach = async (
  rounds: number,
  run: (i: number) => Promise<unknown>,
): Promise<number[]> => {
  const times: number[] = []
  for (let i = 0; i < rounds; i++) {
    const start = performance.now()
    await run(i)
    times.push(performance.now() - start)
  }
  return times
}

/** Times `a` and `b` alternately, round by round, so drift (JIT, GC, a busy machine) hits both. */
const timeInterleaved = async (
  rounds: number,
  a: (i: number) => Promise<unknown>,
  b: (i: number) => Promise<unknown>,
): Promise<[number[], number[]]> => {
  const timesA: number[] = []
  const timesB: number[] = []
  for (let i = 0; i < rounds; i++) {
    const [first, second, firstTimes, secondTimes] =
      i % 2 ? [a, b, timesA, timesB] : [b, a, timesB, timesA]
    let start = performance.now()
    await first(i)
    firstTimes.push(performance.now() - start)
    start = performance.now()
    await second(i)
    secondTimes.push(performance.now() - start)
  }
  return [timesA, timesB]
}

const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`

/** Most events inside any window of `windowMs` ending at one of them. */
const maxInWindow = (times: number[], windowMs: number): number => {
  const sorted = [...times].sort((a, b) => a - b)
  let max = 0
  let start = 0
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[start] ?? 0) <= (sorted[end] ?? 0) - windowMs) start++
    max = Math.max(max, end - start + 1)
  }
  return max
}

/** Client overhead per request against raw fetch, for a read and for a create. */
const measureOverhead = async (): Promise<string[]> => {
  const running = await startHaloSandbox()
  try {
    const client = createHaloClient({
      baseUrl: running.url,
      ...SANDBOX_CREDENTIALS,
      budget: createMemoryRateBudget({ limit: 1_000_000, windowMs: 300_000 }),
    })
    const seed = await client.createTicket({ summary: 'bench', client_id: 12 })

    const tokenResponse = await fetch(`${running.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: SANDBOX_CREDENTIALS.clientId,
        client_secret: SANDBOX_CREDENTIALS.clientSecret,
        scope: 'all',
      }),
    })
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string }
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }

    const rawGet = () =>
      fetch(`${running.url}/api/Tickets/${seed.id}`, { headers }).then((r) => r.json())
    const rawPost = (i: number) =>
      fetch(`${running.url}/api/Tickets`, {
        method: 'POST',
        headers,
        body: JSON.stringify([{ summary: `raw ${i}`, client_id: 12 }]),
      }).then((r) => r.json())
    const clientGet = () => client.getTicket(seed.id)
    const clientPost = (i: number) => client.createTicket({ summary: `client ${i}`, client_id: 12 })

    // Interleave warm-ups so neither side runs on a cold JIT.
    await timeEach(WARMUP, rawGet)
    await timeEach(WARMUP, clientGet)
    await timeEach(WARMUP, rawPost)
    await timeEach(WARMUP, clientPost)

    const lines: string[] = []
    for (const [label, raw, wrapped] of [
      ['GET /Tickets/{id}', rawGet, clientGet],
      ['POST /Tickets', rawPost, clientPost],
    ] as const) {
      const [rawTimes, clientTimes] = await timeInterleaved(ROUNDS, raw, wrapped)
      const rawMedian = median(rawTimes)
      const clientMedian = median(clientTimes)
      lines.push(
        `halo-client ${label}: raw fetch ${us(rawMedian)}, client ${us(clientMedian)} ` +
          `(median of ${ROUNDS}, interleaved); overhead ${us(clientMedian - rawMedian)}/request, ` +
          `ratio ${(clientMedian / rawMedian).toFixed(2)}x`,
      )
    }
    lines.push(
      `halo-client requests sent by the client: ${client.calls.sent()} ` +
        `(token requests: ${client.calls.sent('POST /auth/token')})`,
    )
    return lines
  } finally {
    await running.close()
  }
}

/** Many callers share one budget; count grants per window and what reached the sandbox. */
const measureBudget = async (): Promise<string[]> => {
  const limit = 30
  const windowMs = 500
  const callers = 12
  const callsEach = 8
  const running = await startHaloSandbox()
  try {
    const inner = createMemoryRateBudget({ limit, windowMs })
    const grants: number[] = []
    const budget: RateBudget = {
      ...inner,
      async take(now, lane) {
        const answer = await inner.take(now, lane)
        if (answer.granted) grants.push(now)
        return answer
      },
    }
    const client = createHaloClient({ baseUrl: running.url, ...SANDBOX_CREDENTIALS, budget })

    const started = performance.now()
    const results = await Promise.allSettled(
      Array.from({ length: callers }, async (_, caller) => {
        for (let i = 0; i < callsEach; i++) {
          await client.createTicket({ summary: `caller ${caller} event ${i}`, client_id: 13 })
        }
      }),
    )
    const elapsed = performance.now() - started
    const failures = results.filter((r) => r.status === 'rejected').length
    const arrivals = running.sandbox.requests().map((r) => r.at)
    const granted = maxInWindow(grants, windowMs)
    const seen = maxInWindow(arrivals, windowMs)
    const status = granted <= limit ? 'OK' : 'EXCEEDED'
    return [
      `halo-client budget ${limit}/${windowMs} ms, ${callers} concurrent callers x ${callsEach} creates: ` +
        `${grants.length} requests in ${(elapsed / 1000).toFixed(1)} s, ` +
        `max ${granted} granted in any window (${status}), max ${seen} seen by the sandbox, ` +
        `${failures} callers failed, ${running.sandbox.tickets().length} tickets created`,
      // Arrivals bunch up behind queueing (here: one process; in production: the network), so a
      // server-side window can count more than was granted. Hence a budget below Halo's limit.
      `halo-client note: arrival jitter lets the server count more than the budget granted in a window; keep the budget below Halo's limit (default 250 vs 300)`,
      `halo-client Halo requests per created ticket: ${(grants.length / Math.max(1, running.sandbox.tickets().length)).toFixed(3)}`,
    ]
  } finally {
    await running.close()
  }
}

/** Runs the Halo client benchmarks and returns the lines to print. */
export const benchHaloClient = async (): Promise<string[]> => [
  ...(await measureOverhead()),
  ...(await measureBudget()),
]

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const line of await benchHaloClient()) console.log(line)
}
