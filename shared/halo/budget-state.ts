/**
 * The rate budget's state and rules, pure: a state, a clock reading and a request in; the next
 * state and the answer out. The memory adapter keeps the state in a variable, the SQLite adapter
 * in a row of the local gateway's file, the DynamoDB adapter in one item shared by every worker;
 * all apply these functions.
 *
 * What Halo counts is a rolling window (hosted Halo: about 300 requests per 5 minutes; tenants
 * have reported 450 / 5 min and 60 / min), and the real figure is unknown to the user. So:
 * - the configured limit is a **ceiling**; the effective limit is **learned**: a 429 while the
 *   budget believed it had room lowers it to what Halo evidently allowed (by a quarter at most
 *   per 429), and each clean window raises it back toward the ceiling by a tenth;
 * - a slot frees a little after its request left the window (`settleMs`), because Halo counts
 *   arrivals and ours may arrive late; a request's own slot is taken before it is sent;
 * - a request Halo refused is **given back**: its retry costs one slot, not two;
 * - **lanes**: creates and closes may use the whole window, lookups most of it, notes less, so
 *   under pressure notes wait (or are merged) and writes go first; the reconcile sweep's reads
 *   only while the whole window is below the sweep's share and nobody is lined up, so the
 *   sweep never takes more than that share and yields whenever others are busy;
 * - callers that must wait are **lined up**: each is told a later time than the one before it,
 *   spaced at the limit's rate, so a backlog comes back one by one instead of all at once.
 */

/** Who asks: a create or a close, a lookup, a repeat note, or the reconcile sweep's re-read. */
export type BudgetLane = 'write' | 'read' | 'note' | 'sweep'

export type BudgetSettings = {
  /** The most requests per window, as configured: the learned limit never goes above it. */
  ceiling: number
  windowMs: number
  /**
   * The share of the window the sweep lane may fill (every lane's requests counted), at most
   * the note lane's. @default DEFAULT_SWEEP_SHARE
   */
  sweepShare?: number
}

export type BudgetState = {
  /** When each request in the current window was granted, oldest first. */
  grants: number[]
  /** The effective limit per window, learned from Halo (at most the ceiling). */
  limit: number
  /** No request before this time (Halo's `Retry-After`). */
  blockedUntil: number
  /** When the limit was last lowered or raised. */
  changedAt: number
  /** Times handed to waiting callers run up to here; the next one is told a later time. */
  lineUntil: number
}

export type BudgetAnswer = { granted: true; at: number } | { granted: false; retryAfterMs: number }

/** The share of the window each lane may fill (the sweep's is configured, below the notes'). */
const LANE_SHARE: Record<Exclude<BudgetLane, 'sweep'>, number> = { write: 1, read: 0.95, note: 0.8 }
/** The sweep's share of the window unless configured: it re-reads, nobody waits for it. */
export const DEFAULT_SWEEP_SHARE = 0.2
/** The sweep lane never outranks notes. */
export const MAX_SWEEP_SHARE = LANE_SHARE.note
/**
 * How long after a grant leaves the window its slot is free again. Halo counts arrivals, and a
 * request granted first may arrive after one granted later (a busy event loop, a slow network):
 * half a second at least, a second at most, 2 % of the window in between.
 */
const settleMs = (windowMs: number) => Math.min(1_000, Math.max(500, windowMs * 0.02))
/** After a 429, keep this share of what Halo evidently allowed: its window may hold others'. */
const LEARN_MARGIN = 0.95
/** One 429 lowers the limit by a quarter at most: a 429 after few requests means others are busy. */
const MAX_DECREASE = 0.75
/** Clean windows before the limit is raised again, and by how much of the ceiling. */
const CLEAN_WINDOWS_TO_RAISE = 1
const RAISE_SHARE = 0.1
/** The longest `Retry-After` honoured: a rolling window frees itself within its length. */
const MAX_BLOCK_MS = 15 * 60_000
/** The furthest ahead a caller is lined up: SQS keeps a message invisible for 12 hours at most. */
export const MAX_LINE_MS = 12 * 3_600_000
/**
 * The longest a leased slot may wait to be used. A leased slot is dated at its lease's end, the
 * latest it can be used, so the window counts it at least as long as Halo's does; grants dated
 * further ahead than this come from a clock that is ahead, and are read as dated this far ahead.
 */
export const MAX_LEASE_MS = 10_000

export const initialBudgetState = (settings: BudgetSettings, now: number): BudgetState => ({
  grants: [],
  limit: settings.ceiling,
  blockedUntil: 0,
  changedAt: now,
  lineUntil: 0,
})

const isNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value)

/**
 * A stored state (a DynamoDB item, a SQLite row's JSON) as a state: a field that is missing or
 * damaged starts afresh, and a limit learned under a higher ceiling is brought under this one.
 */
export const storedBudgetState = (
  item: Record<string, unknown> | undefined,
  settings: BudgetSettings,
  now: number,
): BudgetState => {
  const fresh = initialBudgetState(settings, now)
  if (!item) return fresh
  const grants = Array.isArray(item.grants) ? item.grants.filter(isNumber) : []
  const limit = isNumber(item.limit)
    ? Math.min(settings.ceiling, Math.max(1, item.limit))
    : fresh.limit
  const number = (field: 'blockedUntil' | 'changedAt' | 'lineUntil') =>
    isNumber(item[field]) ? (item[field] as number) : fresh[field]
  return {
    grants,
    limit,
    blockedUntil: number('blockedUntil'),
    changedAt: number('changedAt'),
    lineUntil: number('lineUntil'),
  }
}

const capOf = (limit: number, lane: BudgetLane, settings: BudgetSettings) =>
  lane === 'sweep'
    ? // No floor of one: a share too small for the limit means no sweep, never more than asked.
      Math.floor(limit * Math.min(settings.sweepShare ?? DEFAULT_SWEEP_SHARE, MAX_SWEEP_SHARE))
    : Math.max(1, Math.floor(limit * LANE_SHARE[lane]))

/**
 * Whether a slot granted under `granted`'s share may serve a request of `asked`'s lane. The
 * sweep's reads are never served from a lease (nor lease): each is checked against its share.
 */
export const laneCovers = (granted: BudgetLane, asked: BudgetLane) =>
  granted !== 'sweep' && asked !== 'sweep' && LANE_SHARE[granted] <= LANE_SHARE[asked]
const spacingOf = (state: BudgetState, settings: BudgetSettings) => settings.windowMs / state.limit

/**
 * The state read at `now`: grants that left the window dropped, the limit raised after a clean
 * stretch. A clock that went back is treated as standing still, so a jump
 * never blocks the budget for longer than the window.
 */
const advance = (state: BudgetState, settings: BudgetSettings, now: number): BudgetState => {
  const { windowMs, ceiling } = settings
  const grants = state.grants
    .map((at) => Math.min(at, now + MAX_LEASE_MS))
    .filter((at) => at > now - windowMs - settleMs(windowMs))
    .sort((a, b) => a - b)
  let { limit, changedAt } = state
  changedAt = Math.min(changedAt, now)
  if (limit < ceiling && now - changedAt >= CLEAN_WINDOWS_TO_RAISE * windowMs) {
    limit = Math.min(ceiling, limit + Math.max(1, Math.round(ceiling * RAISE_SHARE)))
    changedAt = now
  }
  return {
    ...state,
    grants,
    limit,
    changedAt,
    blockedUntil: Math.min(state.blockedUntil, now + MAX_BLOCK_MS),
    lineUntil: Math.min(state.lineUntil, now + MAX_LINE_MS),
  }
}

/** How long until `lane` could be granted a request, from an advanced state (0: now). */
const waitFor = (state: BudgetState, settings: BudgetSettings, now: number, lane: BudgetLane) => {
  const cap = capOf(state.limit, lane, settings)
  if (cap === 0) return settings.windowMs
  // The sweep goes after everyone lined up: it has no deadline, they do.
  const blocked = Math.max(state.blockedUntil, lane === 'sweep' ? state.lineUntil : 0) - now
  // The window admits one more once enough of its oldest grants have aged out.
  const full = state.grants.length - cap
  const freesAt = (state.grants[full] ?? now) + settings.windowMs + settleMs(settings.windowMs)
  const window = full < 0 ? 0 : Math.ceil(freesAt - now)
  return Math.max(0, blocked, window)
}

/** Takes one request slot for `lane` at `now`, or says how long until one could be free. */
export const takeSlot = (
  state: BudgetState,
  settings: BudgetSettings,
  now: number,
  lane: BudgetLane,
): { state: BudgetState; answer: BudgetAnswer } => {
  const current = advance(state, settings, now)
  const wait = waitFor(current, settings, now, lane)
  if (wait > 0) return { state: current, answer: { granted: false, retryAfterMs: wait } }
  return {
    state: { ...current, grants: [...current.grants, now] },
    answer: { granted: true, at: now },
  }
}

/**
 * Takes one request slot for `lane` at `now` (dated now) and, when the window is less than half
 * full and nobody is lined up, up to `extra.most` more for the same holder to use before
 * `extra.until` (a lease, so a worker need not write the shared state for each request). The
 * extra slots are dated `until`, the latest they may be used; one lease never takes more than a
 * tenth of the lane's free slots, so one worker cannot take the window from the others.
 */
export const leaseSlots = (
  state: BudgetState,
  settings: BudgetSettings,
  now: number,
  lane: BudgetLane,
  extra: { most: number; until: number },
): { state: BudgetState; answer: BudgetAnswer; extra: number; until: number } => {
  const until = Math.min(Math.max(extra.until, now), now + MAX_LEASE_MS)
  const taken = takeSlot(state, settings, now, lane)
  if (!taken.answer.granted) return { ...taken, extra: 0, until }
  const current = taken.state
  const used = current.grants.length
  const calm =
    current.blockedUntil <= now &&
    current.lineUntil <= now &&
    used < capOf(current.limit, 'note', settings) / 2
  const free = capOf(current.limit, lane, settings) - used
  const count =
    calm && lane !== 'sweep' ? Math.max(0, Math.min(extra.most, Math.floor(free / 10))) : 0
  return {
    state: {
      ...current,
      grants: [...current.grants, ...Array.from({ length: count }, () => until)],
    },
    answer: taken.answer,
    extra: count,
    until,
  }
}

/** A lease's `count` unused slots (dated `until`) go back to the window. */
export const returnSlots = (
  state: BudgetState,
  settings: BudgetSettings,
  now: number,
  until: number,
  count: number,
): BudgetState => {
  const current = advance(state, settings, now)
  const grants = [...current.grants]
  for (let left = count; left > 0; left--) {
    const index = grants.lastIndexOf(Math.min(until, now + MAX_LEASE_MS))
    if (index < 0) break
    grants.splice(index, 1)
  }
  return { ...current, grants }
}

/**
 * A place in line for a caller that will come back later rather than wait (a Lambda defers its
 * message): the time it should return, never earlier than a slot could be free, and one
 * request's spacing after the caller lined up before it.
 */
export const lineUp = (
  state: BudgetState,
  settings: BudgetSettings,
  now: number,
  lane: BudgetLane,
): { state: BudgetState; retryAfterMs: number } => {
  const current = advance(state, settings, now)
  const at = Math.max(now + waitFor(current, settings, now, lane), current.lineUntil)
  return {
    state: { ...current, lineUntil: at + spacingOf(current, settings) },
    retryAfterMs: Math.ceil(at - now),
  }
}

/** Whether notes should wait: the note lane is full, Halo asked us to wait, or callers are lined up. */
export const underPressure = (state: BudgetState, settings: BudgetSettings, now: number) => {
  const current = advance(state, settings, now)
  return (
    current.blockedUntil > now ||
    current.lineUntil > now ||
    current.grants.length >= capOf(current.limit, 'note', settings)
  )
}

/**
 * Halo answered 429 to the request granted at `grantedAt`. Its slot is given back (it was not
 * served), and when the budget believed it had room the limit comes down to what Halo evidently
 * allowed. Every lane then waits: until `Retry-After` when Halo sent a usable one (absurd values
 * are bounded), else one request's spacing.
 */
export const refused = (
  state: BudgetState,
  settings: BudgetSettings,
  now: number,
  report: { grantedAt: number; retryAfterMs?: number | undefined },
): BudgetState => {
  const current = advance(state, settings, now)
  const index = current.grants.lastIndexOf(Math.min(report.grantedAt, now))
  const grants =
    index < 0 ? current.grants : current.grants.filter((_, position) => position !== index)
  const allowed = Math.max(
    1,
    Math.floor(grants.length * LEARN_MARGIN),
    Math.floor(current.limit * MAX_DECREASE),
  )
  const learned = allowed < current.limit
  const limit = learned ? allowed : current.limit
  const retryAfter = report.retryAfterMs
  // Without a usable Retry-After, every caller pauses one request's spacing at the new limit.
  const blockFor =
    retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter > 0
      ? Math.min(retryAfter, MAX_BLOCK_MS)
      : Math.ceil(settings.windowMs / limit)
  return {
    ...current,
    grants,
    limit,
    changedAt: now,
    blockedUntil: Math.max(current.blockedUntil, now + blockFor),
  }
}
