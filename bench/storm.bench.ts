import config from '../halo-hooks.config.js'
import { startGateway } from '../local/gateway.js'
import { compileConfig } from '../shared/config/compile-config.js'
import { createMemoryRateBudget } from '../shared/halo/memory-rate-budget.js'
import type { BudgetLane } from '../shared/halo/rate-budget.js'
import { silentLogger } from '../shared/observability.js'
import { createMemorySecretStore } from '../shared/secrets/memory-secret-store.js'
import { alertmanagerNotification } from '../test/support/alertmanager.js'

// An alert storm through the whole local pipeline (ingest, queue, worker, budget) into the Halo
// sandbox, which enforces a strict rolling limit as hosted Halo does (429 with Retry-After). The
// figures are set against the theoretical minimum: the Halo requests the storm needs, divided by
// the limit's rate. Reports numbers; asserts nothing.

const ALERTS = 500
const TOKEN = 'storm-prometheus-token'
const HOSTS = ['acme-dc01', 'acme-web01', 'brightwater-sql01', 'cobalt-fs01']
const CUSTOMERS = ['acme', 'brightwater', 'cobalt']

type StormCase = {
  title: string
  /** What the sandbox (standing in for Halo) allows. */
  halo: { limit: number; windowSeconds: number }
  /** What the gateway is told (the config file's `budget`). */
  budget: { limit: number; windowSeconds: number }
}

/** Requests at or after `from`, grouped into bursts that start a window or more apart. */
const bursts = (times: number[], windowMs: number) => {
  let count = 0
  let last = Number.NEGATIVE_INFINITY
  for (const at of [...times].sort((a, b) => a - b)) {
    if (at - last >= windowMs) count++
    last = at
  }
  return count
}

const runStorm = async (storm: StormCase) => {
  const windowMs = storm.budget.windowSeconds * 1000
  const inner = createMemoryRateBudget({ limit: storm.budget.limit, windowMs })
  let lowered = 0
  const budget = {
    ...inner,
    async refused(now: number, report: { grantedAt: number; retryAfterMs?: number }) {
      const before = inner.learnedLimit()
      await inner.refused(now, report)
      if (inner.learnedLimit() < before) lowered++
    },
    take: (now: number, lane: BudgetLane) => inner.take(now, lane),
  }
  const gateway = await startGateway({
    compiled: compileConfig(config),
    secrets: createMemorySecretStore({ routes: { prometheus: { current: TOKEN } } }),
    logger: silentLogger,
    port: 0,
    budget: storm.budget,
    sandboxRateLimit: { limit: storm.halo.limit, windowMs: storm.halo.windowSeconds * 1000 },
    haloClient: { budget },
    worker: { pollMs: 20 },
  })
  const sandbox = gateway.sandbox
  if (!sandbox) throw new Error('the storm runs against the built-in sandbox')
  try {
    const started = Date.now()
    // Everything fires at once, each alert in its own notification, as many senders would.
    const bodies = Array.from({ length: ALERTS }, (_, i) =>
      alertmanagerNotification([
        {
          fingerprint: `storm-${i}`,
          status: 'firing',
          labels: {
            instance: `${HOSTS[i % HOSTS.length]}:9100`,
            customer: CUSTOMERS[i % CUSTOMERS.length] as string,
          },
        },
      ]),
    )
    const answers = await Promise.all(
      bodies.map((body) =>
        fetch(`${gateway.url}/hooks/prometheus`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        }).then((response) => response.status),
      ),
    )
    if (answers.some((status) => status !== 202))
      throw new Error('ingest refused part of the storm')
    const accepted = Date.now()
    for (;;) {
      const { queued, inFlight } = gateway.queue.stats()
      if (queued + inFlight === 0) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const requests = sandbox.requests()
    const served = requests.filter((request) => request.status < 400)
    const throttled = requests.filter((request) => request.status === 429)
    const creates = served.filter((request) => request.path === 'post /api/tickets')
    const lastTicket = Math.max(...creates.map((request) => request.at))
    const rate = storm.halo.limit / (storm.halo.windowSeconds * 1000)
    const minimumMs = served.length / rate
    return {
      tickets: sandbox.tickets().length,
      parked: gateway.queue.stats().deadLettered,
      sent: requests.length,
      served: served.length,
      throttled: throttled.length,
      throttleBursts: bursts(
        throttled.map((request) => request.at),
        storm.halo.windowSeconds * 1000,
      ),
      lowered,
      learnedLimit: inner.learnedLimit(),
      acceptMs: accepted - started,
      lastTicketMs: lastTicket - started,
      minimumMs,
    }
  } finally {
    await gateway.close()
  }
}

const CASES: StormCase[] = [
  {
    title: 'the gateway knows the limit',
    halo: { limit: 60, windowSeconds: 6 },
    budget: { limit: 60, windowSeconds: 6 },
  },
  {
    title: 'Halo allows less than configured (learning)',
    halo: { limit: 40, windowSeconds: 6 },
    budget: { limit: 60, windowSeconds: 6 },
  },
]

export const benchStorm = async (): Promise<string[]> => {
  const lines = [
    `${ALERTS} distinct Alertmanager alerts fire at once through the local gateway (npm start's pipeline) into the Halo sandbox, which enforces a strict rolling limit with 429 and Retry-After:`,
  ]
  for (const storm of CASES) {
    const result = await runStorm(storm)
    const ratio = result.lastTicketMs / result.minimumMs
    lines.push(
      `  ${storm.title}: Halo ${storm.halo.limit}/${storm.halo.windowSeconds} s, budget ${storm.budget.limit}/${storm.budget.windowSeconds} s:`,
      `    ${result.tickets} tickets, ${result.parked} parked; ${result.throttled} × 429 (${result.throttleBursts} burst(s), limit lowered ${result.lowered} time(s) to ${result.learnedLimit})`,
      `    ${result.served} Halo requests served = ${(result.served / ALERTS).toFixed(3)} per alert (token, discovery and cached lookups included); ${result.sent} sent`,
      `    last ticket after ${(result.lastTicketMs / 1000).toFixed(1)} s; theoretical minimum ${(result.minimumMs / 1000).toFixed(1)} s (requests served ÷ Halo's rate) → ${ratio.toFixed(2)}× (all 202s within ${(result.acceptMs / 1000).toFixed(1)} s)`,
    )
  }
  lines.push(
    "  method: time from the first webhook to the last ticket Halo saved, as logged by the sandbox; the minimum is what Halo's own limit allows for the requests the storm needed. Windows are 6 s rather than hosted Halo's 5 minutes so the run takes a minute or two; the ratios are what carry over.",
  )
  return lines
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await benchStorm()) process.stdout.write(`${line}\n`)
}
