/** One scripted fault, used once by the next request it matches. */
export type SandboxFault =
  | {
      /** Answer with this status before doing anything. */
      status: number
      /** Response body; defaults to a message fitting the status. */
      body?: string
      /** @default 'text/plain; charset=utf-8' unless the body looks like JSON */
      contentType?: string
      /** `Retry-After` header value to send, e.g. `'2'`. */
      retryAfter?: string
      /** Only requests whose `METHOD /path` (lower-case path, prefix removed) contains this. */
      match?: string
    }
  | {
      /**
       * Do the work, then lose the answer: `reset` closes the connection, `hang` never answers
       * (the client times out). Only writes are dropped this way.
       */
      drop: 'reset' | 'hang'
      match?: string
    }

/** Fault injection settings; all off by default. */
export type SandboxFaults = {
  /** Fraction (0–1) of API requests answered with one of `errorStatuses`. @default 0 */
  errorRate?: number
  /** @default [500, 502, 503, 429] */
  errorStatuses?: number[]
  /** Added to every API request, in ms. @default 0 */
  latencyMs?: number
  /** Fraction (0–1) of writes committed and then dropped. @default 0 */
  dropRate?: number
  /** @default 'reset' */
  dropMode?: 'reset' | 'hang'
  /** Scripted faults, consumed in order before any random ones. */
  next?: SandboxFault[]
  /** Seed for the random faults, so a benchmark run can be repeated. @default 1 */
  seed?: number
}

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'status'; status: number; body: string; contentType: string; retryAfter?: string }
  | { kind: 'drop'; mode: 'reset' | 'hang' }

/** A small seeded PRNG (mulberry32): reproducible fault sequences without a dependency. */
const seeded = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const defaultBody = (status: number): string => {
  if (status === 429) return 'Rate Limit Reached - 300 Requests per rolling 5 minute window'
  if (status === 502) return '<html><body><h1>502 Bad Gateway</h1></body></html>'
  if (status === 503) return 'The service is unavailable.'
  return JSON.stringify({ ClassName: 'System.Exception', Message: 'An unexpected error occurred.' })
}

/**
 * Decides, per request, whether to inject a fault. Scripted faults win over random ones;
 * `before` faults (statuses) happen instead of the work, `after` faults (drops) after it.
 */
export const createFaultInjector = (initial: SandboxFaults = {}) => {
  let faults: SandboxFaults = {}
  let queue: SandboxFault[] = []
  let random = seeded(1)

  const set = (next: SandboxFaults) => {
    faults = { ...next }
    queue = [...(next.next ?? [])]
    random = seeded(next.seed ?? 1)
  }
  set(initial)

  const takeScripted = (label: string, wantDrop: boolean): SandboxFault | undefined => {
    const index = queue.findIndex(
      (f) =>
        'drop' in f === wantDrop &&
        (f.match === undefined || label.includes(f.match.toLowerCase())),
    )
    if (index < 0) return undefined
    return queue.splice(index, 1)[0]
  }

  return {
    set,
    get: (): SandboxFaults => ({ ...faults, next: [...queue] }),
    /** Added latency in ms for this request. */
    latency: () => faults.latencyMs ?? 0,
    /** A status fault to answer instead of doing the work, if any. `label` is `post /api/tickets`. */
    before(label: string): FaultDecision {
      const scripted = takeScripted(label, false)
      if (scripted && 'status' in scripted) {
        const body = scripted.body ?? defaultBody(scripted.status)
        const json = /^\s*[[{"]/.test(body)
        return {
          kind: 'status',
          status: scripted.status,
          body,
          contentType:
            scripted.contentType ??
            (json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8'),
          ...(scripted.retryAfter !== undefined ? { retryAfter: scripted.retryAfter } : {}),
        }
      }
      const rate = faults.errorRate ?? 0
      if (rate > 0 && random() < rate) {
        const statuses = faults.errorStatuses ?? [500, 502, 503, 429]
        const status = statuses[Math.floor(random() * statuses.length)] ?? 500
        const body = defaultBody(status)
        const json = body.startsWith('{')
        return {
          kind: 'status',
          status,
          body,
          contentType: json ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
        }
      }
      return { kind: 'none' }
    },
    /** Whether to drop the answer of a write that has been committed. */
    after(label: string): FaultDecision {
      const scripted = takeScripted(label, true)
      if (scripted && 'drop' in scripted) return { kind: 'drop', mode: scripted.drop }
      const rate = faults.dropRate ?? 0
      if (rate > 0 && random() < rate) return { kind: 'drop', mode: faults.dropMode ?? 'reset' }
      return { kind: 'none' }
    },
  }
}
