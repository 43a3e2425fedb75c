/**
 * How one request ended: `ok`, the HTTP status as text (`'429'`, `'503'`), `timeout` or
 * `network`. `budget_wait` and `budget_denied` record budget decisions, and `deadline` a request
 * the worker had no time left to send; none of these was sent.
 */
export type HaloCallOutcome =
  | 'ok'
  | 'timeout'
  | 'network'
  | 'budget_wait'
  | 'budget_denied'
  | 'deadline'
  | `${number}`

/** Counts per endpoint label (`POST /Tickets`) and outcome. */
export type HaloCallSnapshot = {
  /** Requests that went over the wire (budget decisions excluded). */
  sent: number
  /** Requests Halo answered 429 (rate limited). */
  throttled: number
  byEndpoint: Record<string, Partial<Record<HaloCallOutcome, number>>>
}

const NOT_SENT: ReadonlySet<HaloCallOutcome> = new Set(['budget_wait', 'budget_denied', 'deadline'])

/**
 * Counts Halo calls so tests, benchmarks and metrics can report Halo requests per delivered event.
 * One counter may be shared by several clients.
 */
export const createHaloCallCounter = () => {
  let byEndpoint: HaloCallSnapshot['byEndpoint'] = {}
  let sent = 0
  let throttled = 0

  return {
    record(endpoint: string, outcome: HaloCallOutcome): void {
      const counts = byEndpoint[endpoint] ?? {}
      counts[outcome] = (counts[outcome] ?? 0) + 1
      byEndpoint[endpoint] = counts
      if (!NOT_SENT.has(outcome)) sent++
      if (outcome === '429') throttled++
    },
    /** A copy of the counts so far. */
    snapshot(): HaloCallSnapshot {
      return { sent, throttled, byEndpoint: structuredClone(byEndpoint) }
    },
    /** Requests sent so far, optionally only to one endpoint label. */
    sent(endpoint?: string): number {
      if (endpoint === undefined) return sent
      const counts = byEndpoint[endpoint] ?? {}
      return Object.entries(counts)
        .filter(([outcome]) => !NOT_SENT.has(outcome as HaloCallOutcome))
        .reduce((sum, [, n]) => sum + (n ?? 0), 0)
    },
    reset(): void {
      byEndpoint = {}
      sent = 0
      throttled = 0
    },
  }
}

export type HaloCallCounter = ReturnType<typeof createHaloCallCounter>
