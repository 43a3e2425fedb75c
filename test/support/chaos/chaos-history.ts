/** A seeded PRNG (mulberry32), so a chaos run can be repeated exactly. */
export const seededRandom = (seed: number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export type ChaosRoute = 'prometheus' | 'generic-hmac' | 'standard'

/** One event of one problem, and how many copies of its delivery the sender sends. */
export type ChaosEvent = { status: 'firing' | 'resolved'; copies: number; sequence: number }

/** The life of one alert (route + key): its events in the order its sender produced them. */
export type ChaosLane = { route: ChaosRoute; key: string; events: ChaosEvent[] }

const ROUTES: ChaosRoute[] = ['prometheus', 'generic-hmac', 'standard']

/**
 * A realistic alert history: most problems fire, repeat a few times and resolve; some flap
 * (resolve and fire again); some only fire; a few resolve with nothing open. Every delivery is
 * sent one to three times, as senders retry.
 */
export const generateHistory = (options: {
  keys: number
  seed: number
  maxEvents?: number
}): ChaosLane[] => {
  const random = seededRandom(options.seed)
  const pick = (n: number) => Math.floor(random() * n)
  const maxEvents = options.maxEvents ?? 8
  return Array.from({ length: options.keys }, (_, index) => {
    const route = ROUTES[index % ROUTES.length] as ChaosRoute
    const events: ChaosEvent[] = []
    const push = (status: ChaosEvent['status']) =>
      events.push({ status, copies: 1 + pick(3), sequence: events.length })
    if (random() < 0.1) push('resolved') // a resolve for something we never saw open
    const length = 1 + pick(maxEvents)
    for (let i = 0; i < length; i++) {
      const last = events.at(-1)?.status
      // Repeats are common, resolves less so, and a resolve is followed by a fresh firing.
      push(last === 'firing' && random() < 0.35 ? 'resolved' : 'firing')
    }
    return { route, key: `${route}-k${index}`, events }
  })
}

/**
 * Ticket states per alert that a correct delivery must leave in Halo: one entry per ticket,
 * whether it is closed, and how many repeats its notes report (each exactly once).
 */
export type ExpectedTicket = { closed: boolean; repeats: number }

/**
 * The model: a firing with no open ticket opens one, a firing with one open is a repeat, a
 * resolve closes it, and a resolve with none open does nothing. Copies of a delivery change
 * nothing. Every repeat is reported exactly once: in a note of its own, or (when Halo was busy
 * and repeats were merged) in the next note or the close.
 */
export const expectedTickets = (lane: ChaosLane): ExpectedTicket[] => {
  const tickets: ExpectedTicket[] = []
  for (const event of lane.events) {
    const open = tickets.at(-1)
    const isOpen = open !== undefined && !open.closed
    if (event.status === 'firing') {
      if (isOpen) open.repeats += 1
      else tickets.push({ closed: false, repeats: 0 })
    } else if (isOpen) {
      open.closed = true
    }
  }
  return tickets
}

/** The repeats a note of ours reports ("Recurred: 3 more occurrences…", "It recurred 2 more times…"). */
export const repeatsReported = (note: string | undefined): number => {
  const match = /Recurred: (\d+) more occurrence|It recurred (\d+) more time/.exec(note ?? '')
  return match ? Number(match[1] ?? match[2]) : 0
}

/**
 * The chaos clock's step for heartbeats, against their policy (`expectEveryMinutes` 10, no
 * grace): a key silent for one step is still in time, silent for two it is missed.
 */
export const HEARTBEAT_STEP_MINUTES = 6
export const HEARTBEAT_POLICY = { expectEveryMinutes: 10, graceMinutes: 0 }

/** A heartbeat's life over the chaos clock: the copies of its ping sent at each step (0: silent). */
export type HeartbeatLane = { key: string; pings: number[] }

/**
 * Heartbeat senders that mostly ping on time: each step a key pings (one to three copies, as
 * senders retry) or, a third of the time, stays silent; some only start pinging later.
 */
export const generateHeartbeats = (options: {
  keys: number
  steps: number
  seed: number
}): HeartbeatLane[] => {
  const random = seededRandom(options.seed ^ 0xbea7)
  const pick = (n: number) => Math.floor(random() * n)
  return Array.from({ length: options.keys }, (_, index) => ({
    key: `hb-k${index}`,
    pings: Array.from({ length: options.steps }, () => (random() < 0.65 ? 1 + pick(3) : 0)),
  }))
}

/**
 * The model of a dead-man's switch: at each step the sweep runs first, then the pings arrive. A
 * key that pinged before and has been silent for two steps gets a ticket (one per silence), and
 * its next ping closes it. Copies of a ping change nothing; no ticket carries a repeat.
 */
export const expectedHeartbeatTickets = (lane: HeartbeatLane): ExpectedTicket[] => {
  const tickets: ExpectedTicket[] = []
  let last: number | undefined
  lane.pings.forEach((copies, step) => {
    const open = tickets.at(-1)
    const isOpen = open !== undefined && !open.closed
    if (last !== undefined && step - last >= 2 && !isOpen) {
      tickets.push({ closed: false, repeats: 0 })
    }
    if (copies > 0) {
      last = step
      const current = tickets.at(-1)
      if (current && !current.closed) current.closed = true
    }
  })
  return tickets
}
