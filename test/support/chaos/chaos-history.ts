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
