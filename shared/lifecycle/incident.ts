import type { Alert } from '../alert.js'
import { wasApplied } from './applied-ids.js'
import type { CorrelationRecord } from './correlation-store.js'
import type { GroupPolicy } from './group-policy.js'
import { MAX_LISTED_MEMBERS, MAX_TRACKED_MEMBERS } from './incident-limits.js'
import type { Incident, IncidentMember, JoinedMember } from './incident-state.js'
import { activeWindow } from './maintenance.js'
import {
  type LifecycleDecision,
  type LifecycleInput,
  type RecordedChange,
  reopensClosed,
} from './plan-lifecycle.js'

/**
 * What a decision about an incident says on its ticket and leaves in its record: the incident
 * after it, and the members to name (those that joined since the ticket last listed them).
 */
export type IncidentChange = {
  next: Incident
  listed: JoinedMember[]
  /** Members that joined beyond `listed`. */
  more: number
  /** Members firing after the decision, and members in all (untracked ones included). */
  firing: number
  members: number
}

export type IncidentInput = Omit<LifecycleInput, 'alert'> & {
  alert: Pick<Alert, 'key' | 'status' | 'title'>
  group: GroupPolicy
  /** The group key the alert carries (rendered at ingest). */
  groupKey: string
}

const MINUTE = 60_000

const firingOf = (incident: Incident) =>
  Object.values(incident.members).filter((member) => member.status === 'firing').length

const sizeOf = (incident: Incident) =>
  Object.keys(incident.members).length + (incident.untracked ?? 0)

/** Whether resolving `key` leaves no member of the incident firing. */
export const isLastFiring = (incident: Incident, key: string): boolean =>
  incident.members[key]?.status === 'firing' && firingOf(incident) === 1

/** The incident with `key` in `status` (tracked while there is room, else counted). */
const withMember = (
  incident: Incident,
  key: string,
  status: IncidentMember['status'],
  at: string,
): Incident => {
  if (
    Object.hasOwn(incident.members, key) ||
    Object.keys(incident.members).length < MAX_TRACKED_MEMBERS
  ) {
    return { ...incident, members: { ...incident.members, [key]: { status, since: at } } }
  }
  return status === 'firing' ? { ...incident, untracked: (incident.untracked ?? 0) + 1 } : incident
}

/** The incident with the alert among those to list next (named while there is room). */
const withJoined = (incident: Incident, alert: Pick<Alert, 'key' | 'title'>): Incident => {
  if (incident.joined.some((member) => member.key === alert.key)) return incident
  if (incident.joined.length < MAX_LISTED_MEMBERS) {
    return { ...incident, joined: [...incident.joined, { key: alert.key, title: alert.title }] }
  }
  return { ...incident, joinedMore: (incident.joinedMore ?? 0) + 1 }
}

/** The incident once its ticket has listed its members (opened, or a merged note). */
const listedAt = (incident: Incident, at: string): Incident => {
  const { joinedMore: _more, noteDueAt: _due, ...rest } = incident
  return { ...rest, joined: [], notedAt: at }
}

/** The change a decision that lists the members of `incident` on its ticket makes. */
const listing = (incident: Incident, next: Incident): IncidentChange => ({
  next,
  listed: incident.joined,
  more: incident.joinedMore ?? 0,
  firing: firingOf(incident) + (incident.untracked ?? 0),
  members: sizeOf(incident),
})

const only = (reason: string, change: RecordedChange = {}): LifecycleDecision => ({
  kind: 'record',
  reason,
  change,
})

const resolved = (input: IncidentInput, stored: Incident, at: string): LifecycleDecision => {
  const { record, alert, policy } = input
  if (stored.members[alert.key]?.status !== 'firing') {
    return only('resolved: not a firing member of the incident')
  }
  const incident = withMember(stored, alert.key, 'resolved', at)
  const firing = firingOf(incident)
  if (record?.state === 'closed') {
    return only('member resolved (the incident’s ticket is closed)', { incident })
  }
  if (record?.state !== 'open' || record.ticketId === undefined) {
    const state = firing === 0 ? { state: 'resolved' as const } : {}
    return only(`member resolved before the incident opened (${firing} firing)`, {
      incident,
      ...state,
    })
  }
  if (firing > 0) {
    return only(`member resolved (${firing} of ${sizeOf(incident)} still firing)`, { incident })
  }
  // The last firing member: the route's resolve policy, as for a single alert.
  if (policy.resolve === 'ignore') return only('resolve ignored by policy', { incident })
  const change = listing(incident, listedAt(incident, at))
  const { ticketId } = record
  if (policy.resolve === 'close-if-untouched') {
    const { work = { worked: true, by: 'nobody we could check' } } = input
    if (!work.worked) return { kind: 'close', ticketId, incident: change }
    return { kind: 'resolveNote', ticketId, workedBy: work.by, incident: change }
  }
  return { kind: policy.resolve === 'note' ? 'resolveNote' : 'close', ticketId, incident: change }
}

/**
 * The lifecycle of one incident (a route's `group` policy): the first member (or the
 * `minAlerts`th within `windowMinutes`) opens one ticket; later members are listed in one merged
 * note per `noteEveryMinutes` (a member that joins before the interval is up waits for the next
 * one, or for its due time, `noteDueAt`); when the last firing member resolves, the route's
 * resolve policy applies to the incident's ticket as it would to one alert's. A member firing
 * again while it fires is only counted. Maintenance windows and `afterClosed` apply as for one
 * alert; `noise.minOccurrences` does not (`minAlerts` counts members, not repeats). Pure.
 */
export const decideIncident = (input: IncidentInput): LifecycleDecision => {
  const { record, alert, policy, noise, group, now } = input
  const at = now.toISOString()
  if (record && wasApplied(record, input.envelopeId)) return { kind: 'duplicate' }
  const stored: Incident = record?.incident ?? { group: input.groupKey, members: {}, joined: [] }
  if (alert.status === 'resolved') return resolved(input, stored, at)

  const window = activeWindow(noise.maintenance, now)
  if (window?.action === 'drop') return { kind: 'suppress', rule: 'maintenance window (drop)' }

  if (record?.state === 'open' && record.ticketId !== undefined) {
    const occurrences = record.occurrences + 1
    if (stored.members[alert.key]?.status === 'firing') {
      return only('repeat of a firing member (counted)', { occurrences })
    }
    const incident = withJoined(withMember(stored, alert.key, 'firing', at), alert)
    if (window) return only('maintenance window (member counted)', { occurrences, incident })
    return joined(record, record.ticketId, input, incident, occurrences, at)
  }

  if (reopensClosed(record, policy, now) && !window) {
    const fresh = withMember(
      { group: input.groupKey, members: {}, joined: [] },
      alert.key,
      'firing',
      at,
    )
    return {
      kind: 'reopen',
      ticketId: record.ticketId,
      incident: listing(withJoined(fresh, alert), listedAt(fresh, at)),
    }
  }

  // A new incident, or one gathering members up to `minAlerts`.
  const gathering = record?.state === 'pending' || record?.state === 'suppressed'
  const base = gathering ? stored : { group: input.groupKey, members: {}, joined: [] }
  const incident = withJoined(withMember(base, alert.key, 'firing', at), alert)
  const occurrences = gathering && record ? record.occurrences + 1 : 1
  const firstSeen = gathering && record ? record.firstSeen : at
  if (window) {
    return only('maintenance window (count)', {
      state: 'suppressed',
      occurrences,
      firstSeen,
      incident,
    })
  }
  const from = now.getTime() - group.windowMinutes * MINUTE
  const recent = Object.values(incident.members).filter(
    (member) => member.status === 'firing' && Date.parse(member.since) > from,
  ).length
  if (recent < group.minAlerts) {
    return only(
      `incident gathering (${recent} of ${group.minAlerts} alerts within ${group.windowMinutes} min)`,
      { state: 'pending', occurrences, firstSeen, incident },
    )
  }
  const previousTicketId =
    record?.state === 'closed' && policy.linkPrevious ? record.ticketId : undefined
  return {
    kind: 'create',
    occurrences,
    firstSeen,
    ...(previousTicketId === undefined ? {} : { previousTicketId }),
    incident: listing(incident, listedAt(incident, at)),
  }
}

/**
 * A member joined the open incident: listed in a merged note now if the interval since the
 * ticket last listed members is up (and Halo is not busy), else kept for the next note, which is
 * due at the end of the interval even if no other alert comes.
 */
const joined = (
  record: CorrelationRecord,
  ticketId: number,
  input: IncidentInput,
  incident: Incident,
  occurrences: number,
  at: string,
): LifecycleDecision => {
  const now = input.now.getTime()
  const interval = input.group.noteEveryMinutes * MINUTE
  const dueAt = Date.parse(incident.notedAt ?? record.firstSeen) + interval
  if (now >= dueAt && !input.haloBusy) {
    const since = record.notedOccurrences ?? 1
    return {
      kind: 'note',
      ticketId,
      occurrences,
      since,
      incident: listing(incident, listedAt(incident, at)),
    }
  }
  // Under pressure the note waits another interval: the members it lists only grow.
  const noteDueAt = new Date(now >= dueAt ? now + interval : dueAt).toISOString()
  const reason = input.haloBusy
    ? 'member joined (Halo busy: listed in the next merged note)'
    : 'member joined (listed in the next merged note)'
  return only(reason, { occurrences, incident: { ...incident, noteDueAt } })
}

/**
 * An incident whose merged note is due (`incident.noteDueAt`, reached by a timer): the members
 * that joined since the last note are listed now; the due time is cleared either way. Undefined
 * when the incident's note is not what is due.
 */
export const decideIncidentDue = (
  record: CorrelationRecord,
  now: Date,
): LifecycleDecision | undefined => {
  const { incident } = record
  if (incident?.noteDueAt === undefined || Date.parse(incident.noteDueAt) > now.getTime()) {
    return undefined
  }
  const at = now.toISOString()
  const waiting = incident.joined.length > 0 || (incident.joinedMore ?? 0) > 0
  if (record.state === 'open' && record.ticketId !== undefined && waiting) {
    return {
      kind: 'note',
      ticketId: record.ticketId,
      occurrences: record.occurrences,
      since: record.notedOccurrences ?? 1,
      incident: listing(incident, listedAt(incident, at)),
    }
  }
  const { noteDueAt: _due, ...rest } = incident
  return only('merged note due, nothing to list', { incident: rest })
}
