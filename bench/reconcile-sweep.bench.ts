import config from '../halo-hooks.config.js'
import { startGateway } from '../local/gateway.js'
import { compileConfig } from '../shared/config/compile-config.js'
import { silentLogger } from '../shared/observability.js'
import { createMemorySecretStore } from '../shared/secrets/memory-secret-store.js'
import { alertmanagerNotification } from '../test/support/alertmanager.js'

// The reconcile sweep's share of the Halo budget, through the local gateway into the Halo
// sandbox: sweeps run back to back (far more often than any schedule would) over open tickets,
// first with the budget otherwise idle, then while deliveries keep it busy. The figure is the
// sweep's reads in its busiest rolling window against the configured share (the baseline).
// Reports numbers; asserts nothing.

const TOKEN = 'sweep-prometheus-token'
const BUDGET = { limit: 60, windowSeconds: 5 }
const SHARE = 0.2
const OPEN_TICKETS = 40

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** The most of `times` (ms) that fall in any rolling window of `windowMs`. */
const busiestWindow = (times: number[], windowMs: number) =>
  Math.max(0, ...times.map((at) => times.filter((t) => t > at - windowMs && t <= at).length))

export const benchReconcileSweep = async (): Promise<string[]> => {
  const windowMs = BUDGET.windowSeconds * 1000
  const compiled = compileConfig(config)
  const gateway = await startGateway({
    compiled,
    secrets: createMemorySecretStore({ routes: { prometheus: { current: TOKEN } } }),
    logger: silentLogger,
    port: 0,
    budget: BUDGET,
    reconcile: { enabled: false, everyMinutes: 1, maxTicketsPerSweep: 100, maxBudgetShare: SHARE },
    sandboxWebhooks: 'off',
    worker: { pollMs: 20 },
  })
  const sandbox = gateway.sandbox
  if (!sandbox) throw new Error('the sweep bench runs against the built-in sandbox')
  const fire = async (fingerprints: string[]) => {
    const response = await fetch(`${gateway.url}/hooks/prometheus`, {
      method: 'POST',
      body: alertmanagerNotification(
        fingerprints.map((fingerprint) => ({ fingerprint, status: 'firing' })),
      ),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    })
    if (response.status !== 202) throw new Error(`ingest answered ${response.status}`)
  }
  const settled = async () => {
    for (;;) {
      const { queued, inFlight } = gateway.queue.stats()
      if (queued + inFlight === 0) return
      await pause(50)
    }
  }
  const isSweepRead = (path: string) => /^get \/api\/tickets\/\d+/.test(path)
  /** Sweeps back to back for `ms`, calling `between` after each; Halo's requests in that time. */
  const phase = async (ms: number, between: () => Promise<void>) => {
    const from = sandbox.requests().length
    const until = Date.now() + ms
    while (Date.now() < until) {
      await gateway.sweep()
      await between()
    }
    await settled()
    const requests = sandbox.requests().slice(from)
    const sweep = requests.filter((request) => isSweepRead(request.path)).map((r) => r.at)
    const others = requests.filter((request) => !isSweepRead(request.path)).map((r) => r.at)
    return {
      sweepBusiest: busiestWindow(sweep, windowMs),
      othersBusiest: busiestWindow(others, windowMs),
      sweepTotal: sweep.length,
      throttled: requests.filter((request) => request.status === 429).length,
    }
  }
  try {
    await fire(Array.from({ length: OPEN_TICKETS }, (_, i) => `sweep-open-${i}`))
    await settled()
    await pause(windowMs + 1_000) // the creates leave the window
    const quiet = await phase(2 * windowMs, () => pause(50))
    let fired = 0
    const busy = await phase(2 * windowMs, async () => {
      await fire([`sweep-busy-${fired++}`])
      await pause(150)
    })
    const cap = Math.floor(BUDGET.limit * SHARE)
    const line = (name: string, run: typeof quiet) =>
      `${name}: sweep reads in the busiest ${BUDGET.windowSeconds} s window ${run.sweepBusiest} of ${BUDGET.limit} (share ${(run.sweepBusiest / BUDGET.limit).toFixed(2)}, ${(run.sweepBusiest / cap).toFixed(2)}× the configured ${SHARE}); other requests in their busiest window ${run.othersBusiest}; sweep reads in all ${run.sweepTotal}; 429s ${run.throttled}`
    return [
      `${OPEN_TICKETS} open tickets, budget ${BUDGET.limit} per ${BUDGET.windowSeconds} s, reconcile.maxBudgetShare ${SHARE} (at most ${cap} sweep reads per window); sweeps back to back for two windows per case:`,
      line('budget otherwise idle', quiet),
      line(`deliveries busy (a new alert every ~150 ms, ${fired} in all)`, busy),
    ]
  } finally {
    await gateway.close()
  }
}
