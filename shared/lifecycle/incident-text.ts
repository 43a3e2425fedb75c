import { clipText } from '../clip-text.js'
import type { IncidentChange } from './incident.js'

/** The member list's longest text: a note stays readable, and a stored intent small. */
const MAX_MEMBER_LINES = 8_000

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

/** The members an incident's ticket names, one a line, the rest counted. */
export const memberLines = ({ listed, more }: Pick<IncidentChange, 'listed' | 'more'>): string => {
  const lines = listed.map(({ key, title }) =>
    title === key ? `- ${title}` : `- ${title} (${key})`,
  )
  if (more > 0) lines.push(`- and ${more} more`)
  return clipText(lines.join('\n'), MAX_MEMBER_LINES)
}

/** The incident ticket's summary: the route's own, marked as its group's incident. */
export const incidentSummary = (change: IncidentChange, summary: string): string =>
  `Incident (${change.next.group}): ${summary}`

/** What the incident ticket's details begin with: what it is and who is in it. */
export const incidentDetails = (change: IncidentChange): string =>
  `Incident of ${plural(change.members, 'alert')} for ${change.next.group}. Alerts of this group that fire later are listed in notes; the ticket closes when all have resolved.\n\n${memberLines(change)}`

/** A merged note: the members that joined since the ticket last listed them. */
export const mergedNote = (change: IncidentChange): string =>
  `${plural(change.listed.length + change.more, 'more alert')} joined this incident (${change.firing} of ${change.members} firing):\n${memberLines(change)}`

/** What a resolve of the incident's last member says, with members not yet noted. */
export const allResolved = (change: IncidentChange, then: string): string => {
  const waiting = change.listed.length + change.more
  const lately = waiting ? `\nJoined since the last note:\n${memberLines(change)}` : ''
  return `All ${plural(change.members, 'alert')} of this incident resolved; ${then}${lately}`
}
