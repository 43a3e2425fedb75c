import type { Alert } from '../alert.js'
import type { DeliveryRoute } from '../config/compile-config.js'
import { wasApplied } from './applied-ids.js'
import { nextOpening } from './business-hours.js'
import type { CorrelationRecord, HeartbeatState } from './correlation-store.js'
import type { HeartbeatPolicy } from './heartbeat-policy.js'
import { heartbeatSilenceMs } from './heartbeat-silence.js'
import { activeWindow } from './maintenance.js'
import type { LifecycleDecision } from './plan-lifecycle.js'

export type PingInput = {
  record: CorrelationRecord | undefined
  alert: Pick<Alert, 'key' | 'title' | 'tenant' | 'resource'>
  envelopeId: string
  /** When ingest received the ping (the envelope's `receivedAt`). */
  receivedAt: string
  policy: HeartbeatPolicy
  now: Date
}

const iso = (ms: number) => new Date(ms).toISOString()

const MINUTE = 60_000

/**
 * A deadline `silence` after `from`, rounded up to the minute: the sweep looks once a minute, so
 * nothing is noticed later, and pings within one minute (a sender's retries, several hosts
 * pinging one key) leave the due index alone (it takes a delete and a put when a deadline moves).
 */
const deadlineAfter = (from: number, silence: number) =>
  iso(Math.ceil((from + silence) / MINUTE) * MINUTE)

/** What a missed-heartbeat ticket is made from, kept from the last ping (small: pings write it). */
const keptOf = (
  alert: PingInput['alert'],
): Pick<HeartbeatState, 'name' | 'tenant' | 'resource'> => {
  const tenant =
    alert.tenant && (alert.tenant.id || alert.tenant.name)
      ? {
          ...(alert.tenant.id ? { id: alert.tenant.id.slice(0, 200) } : {}),
          ...(alert.tenant.name ? { name: alert.tenant.name.slice(0, 200) } : {}),
        }
      : undefined
  return {
    ...(alert.title !== alert.key ? { name: alert.title.slice(0, 200) } : {}),
    ...(tenant ? { tenant } : {}),
    ...(alert.resource ? { resource: alert.resource } : {}),
  }
}

/**
 * A ping on a heartbeat route (every alert there is one): the key's deadline moves to the ping's
 * received time plus the expected interval and grace (to the minute), and a missed-heartbeat
 * ticket that is open closes. The sender's own timestamp never counts (a clock ahead would push
 * the deadline out, one behind would pull it in): the time is when ingest received it, no later
 * than now, and the last ping never moves back (pings delivered out of order). A key never seen
 * before starts being watched. No Halo call unless a ticket closes: a ping every minute costs one
 * store write.
 */
export const decidePing = (input: PingInput): LifecycleDecision => {
  const { record, alert, envelopeId, policy, now } = input
  if (record && wasApplied(record, envelopeId)) return { kind: 'duplicate' }
  const received = Math.min(Date.parse(input.receivedAt), now.getTime())
  const previous = record?.heartbeat
  const last = previous ? Math.max(Date.parse(previous.lastPingAt), received) : received
  const heartbeat: HeartbeatState = {
    lastPingAt: iso(last),
    deadline: deadlineAfter(last, heartbeatSilenceMs(policy)),
    ...keptOf(alert),
  }
  if (record?.state === 'open' && record.ticketId !== undefined) {
    // A ping no later than the last one before the silence (a redelivery) proves nothing about
    // now; any later one does, even one received before the missed ticket was opened (it waited
    // in the queue behind the timer).
    const lastBefore = previous ? Date.parse(previous.lastPingAt) : Number.NEGATIVE_INFINITY
    if (received <= lastBefore) {
      return { kind: 'record', reason: 'heartbeat ping older than its missed ticket', change: {} }
    }
    const since = previous?.lastPingAt ?? record.firstSeen
    return { kind: 'heartbeatBack', ticketId: record.ticketId, since, heartbeat }
  }
  return { kind: 'ping', heartbeat }
}

export type HeartbeatDueInput = {
  record: CorrelationRecord
  route: Pick<DeliveryRoute, 'lifecycle' | 'noise' | 'heartbeat'> &
    Partial<Pick<DeliveryRoute, 'businessHours'>>
  now: Date
}

/**
 * A heartbeat whose deadline has come (undefined when it has not, or the record has none): a
 * missed-heartbeat ticket, or, when one cannot or need not open, only the stored state changes.
 * Every outcome clears or moves the deadline. A maintenance window moves it by one interval,
 * so a device switched off for the window is asked again after it; out of business hours, on a
 * route that defers this severity (`outOfHours: defer`), it moves to the opening (maintenance
 * windows win).
 */
export const decideHeartbeatDue = ({
  record,
  route,
  now,
}: HeartbeatDueInput): LifecycleDecision | undefined => {
  const heartbeat = record.heartbeat
  if (!heartbeat?.deadline || Date.parse(heartbeat.deadline) > now.getTime()) return undefined
  const { deadline: _deadline, ...watched } = heartbeat
  const only = (reason: string, next: HeartbeatState): LifecycleDecision => ({
    kind: 'record',
    reason,
    change: { heartbeat: next },
  })
  if (!route.heartbeat) return only('heartbeat no longer watched by the route', watched)
  const at = now.toISOString()
  if (record.state === 'open' && record.ticketId !== undefined) {
    return only('heartbeat missed; its ticket is already open', { ...watched, missedAt: at })
  }
  if (activeWindow(route.noise.maintenance, now)) {
    const deadline = deadlineAfter(now.getTime(), heartbeatSilenceMs(route.heartbeat))
    return only('heartbeat missed during a maintenance window', { ...heartbeat, deadline })
  }
  const hours = route.businessHours
  const opening =
    hours?.outOfHours === 'defer' && hours.deferSeverities.includes(route.heartbeat.severity)
      ? nextOpening(hours, now)
      : undefined
  if (opening) {
    // Asked again when hours begin: a ping overnight means no ticket at all.
    const deadline = deadlineAfter(opening.getTime(), 0)
    return only('heartbeat missed out of business hours', { ...heartbeat, deadline })
  }
  const previousTicketId =
    record.state === 'closed' && route.lifecycle.linkPrevious ? record.ticketId : undefined
  return {
    kind: 'heartbeatMissed',
    since: heartbeat.lastPingAt,
    heartbeat: { ...watched, missedAt: at },
    ...(previousTicketId === undefined ? {} : { previousTicketId }),
  }
}

/** An instant as people read it in a ticket title: `2026-12-01 06:40 UTC`. */
const readable = (at: string) => `${at.slice(0, 16).replace('T', ' ')} UTC`

/**
 * The alert a missed-heartbeat ticket is made from, for the route's ticket templates and tenant
 * routing: the heartbeat's name and last ping, the policy's severity, and the tenant hints and
 * resource of the last ping.
 */
export const heartbeatAlertOf = (
  record: CorrelationRecord,
  route: Pick<DeliveryRoute, 'heartbeat'>,
  now: Date,
): Alert => {
  const heartbeat = record.heartbeat
  const lastPingAt = heartbeat?.lastPingAt ?? record.lastSeen
  const name = heartbeat?.name ?? record.key
  const policy = route.heartbeat
  const every = policy
    ? ` every ${policy.expectEveryMinutes} min (with ${policy.graceMinutes} min of grace)`
    : ''
  const by = heartbeat?.deadline ?? now.toISOString()
  return {
    key: record.key,
    status: 'firing',
    severity: policy?.severity ?? 'high',
    title: `No heartbeat from ${name} since ${readable(lastPingAt)}`.slice(0, 500),
    description:
      `A ping from ${name} (key "${record.key}") is expected${every}. ` +
      `The last one was received at ${lastPingAt}; none had come by ${by}. ` +
      'The next ping closes this ticket.',
    occurredAt: by,
    ...(heartbeat?.resource ? { resource: heartbeat.resource } : {}),
    ...(heartbeat?.tenant ? { tenant: heartbeat.tenant } : {}),
    labels: {},
  }
}

/** The note that closes a missed-heartbeat ticket. */
export const heartbeatBackNote = ({
  since,
  heartbeat,
}: {
  since: string
  heartbeat: HeartbeatState
}) => `Heartbeat received again at ${heartbeat.lastPingAt} (silent since ${since}); closing.`
