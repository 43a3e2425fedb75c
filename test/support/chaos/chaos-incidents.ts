import { seededRandom } from './chaos-history.js'

/** One event of one member of an incident, and how many copies of its delivery are sent. */
export type IncidentEvent = {
  member: string
  status: 'firing' | 'resolved'
  copies: number
  sequence: number
}

/**
 * The alerts of one group (a site) as their sender produced them, in order: its members fire,
 * repeat and resolve interleaved. The lane sends them one after another, as one monitoring system
 * would; their incident's FIFO group keeps that order through faults and crashes.
 */
export type IncidentLane = { group: string; events: IncidentEvent[] }

/**
 * A realistic outage history per group: 2 to 5 members, each event a member firing (a new one, a
 * repeat, or one firing again after it resolved) or resolving; sometimes a resolve for a member
 * never seen; mostly ending with every member resolved. Every delivery is sent one to three times.
 */
export const generateIncidents = (options: {
  incidents: number
  seed: number
  maxEvents?: number
}): IncidentLane[] => {
  const random = seededRandom(options.seed ^ 0x9e0)
  const pick = (n: number) => Math.floor(random() * n)
  return Array.from({ length: options.incidents }, (_, index) => {
    const group = `site-${index}`
    const members = Array.from({ length: 2 + pick(4) }, (_, m) => `${group}-m${m}`)
    const firing = new Set<string>()
    const events: IncidentEvent[] = []
    const push = (member: string, status: IncidentEvent['status']) => {
      events.push({ member, status, copies: 1 + pick(3), sequence: events.length })
      if (status === 'firing') firing.add(member)
      else firing.delete(member)
    }
    if (random() < 0.2) push(`${group}-ghost`, 'resolved')
    const length = 3 + pick(options.maxEvents ?? 12)
    for (let i = 0; i < length; i++) {
      const member = members[pick(members.length)] as string
      push(member, firing.has(member) && random() < 0.45 ? 'resolved' : 'firing')
    }
    // Most outages end: the members still firing resolve, in any order.
    if (random() < 0.6) {
      for (const member of [...firing].sort(() => random() - 0.5)) push(member, 'resolved')
    }
    return { group, events }
  })
}

/**
 * What one incident ticket must say: whether it is closed, and the members it names, in order
 * (those in its details when it opened, then those each note or the close lists).
 */
export type ExpectedIncidentTicket = { closed: boolean; listed: string[] }

/**
 * The model of a group with `noteEveryMinutes` never reached (the run's clock stands still): a
 * member firing with no incident open opens one naming it; a member that was not firing joins the
 * open incident and is named once in its next listing (the close); a repeat of a firing member
 * adds nothing; the resolve of the last firing member closes the incident, naming the members
 * that joined; any other resolve adds nothing. Copies of a delivery change nothing.
 */
export const expectedIncidentTickets = (lane: IncidentLane): ExpectedIncidentTicket[] => {
  const tickets: ExpectedIncidentTicket[] = []
  const firing = new Set<string>()
  let joined: string[] = []
  for (const { member, status } of lane.events) {
    const open = tickets.at(-1)
    const isOpen = open !== undefined && !open.closed
    if (status === 'firing') {
      if (!isOpen) {
        tickets.push({ closed: false, listed: [member] })
        firing.clear()
        firing.add(member)
        joined = []
      } else if (!firing.has(member)) {
        firing.add(member)
        if (!joined.includes(member)) joined.push(member)
      }
    } else if (isOpen && firing.has(member)) {
      firing.delete(member)
      if (firing.size === 0) {
        open.closed = true
        open.listed.push(...joined)
        joined = []
      }
    }
  }
  // An incident still open names its members that joined with its next listing.
  const last = tickets.at(-1)
  if (last && !last.closed) last.listed.push(...joined)
  return tickets
}

/** The members a text of ours names, one a line (`- <title> (<key>)`), in order. */
export const membersNamed = (text: string | undefined): string[] =>
  [...(text ?? '').matchAll(/^- .* \(([^()\n]+)\)$/gm)].map((match) => match[1] as string)
