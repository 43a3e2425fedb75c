import type { DeliveryRoute } from '../config/compile-config.js'
import { HaloApiError } from '../errors.js'
import type { HaloTicket } from '../halo/schemas.js'
import type { CorrelationStore, OpenTicket } from '../lifecycle/correlation-store.js'
import { ticketCondition } from '../lifecycle/ticket-event-change.js'
import type { Logger } from '../observability.js'
import type { EventQueue } from '../queue/event-queue.js'
import { reconcileEnvelope } from './reconcile-envelope.js'
import type { SweepCursor } from './sweep-cursor.js'
import type { SweepPace } from './sweep-pace.js'

export type SweepDeps = {
  store: Pick<CorrelationStore, 'listOpenTickets'>
  /** Reads one ticket in the budget's sweep lane, which never waits: a full lane throws at once. */
  halo: { getTicket(id: number, options: { lane: 'sweep' }): Promise<HaloTicket> }
  queue: EventQueue
  /** Where the last sweep stopped; this one goes on from there and leaves it where it stops. */
  cursor: SweepCursor
  /**
   * The routes configured now (their closing status tells a closed ticket). A ticket of a route
   * no longer configured is not read: deliver could not apply what the read shows (it would
   * park the message every sweep).
   */
  routes: ReadonlyMap<string, Pick<DeliveryRoute, 'lifecycle'>>
  logger: Logger
  now: () => Date
  /** Stop before reading another ticket at or after this time (ms since epoch): a Lambda's end. */
  deadline?: number
}

/**
 * Why a sweep ended before its list did: the budget's sweep lane was full, Halo failed in a way
 * that would fail the next read too, or the time given ran out.
 */
export type SweepStop = 'budget' | 'halo_unavailable' | 'deadline'

export type SweepReport = {
  /** Open tickets listed, from where the last sweep stopped. */
  listed: number
  /** Of those, read from Halo and found changed (closed, deleted, merged): queued as events. */
  queued: number
  /** Read from Halo and still open, as the store holds them: nothing to queue. */
  unchanged: number
  /** Read failed for that ticket alone (not retryable); it is read again next time round. */
  failed: number
  /** Skipped unread: their route is no longer configured (they stay listed until they expire). */
  unrouted: number
  stoppedBy?: SweepStop
}

/**
 * The next `limit` open tickets from `after` in the open-ticket order, going round to the start
 * when the end comes first; `end`: the list's end was reached (the next sweep starts over).
 */
const listFrom = async (
  store: SweepDeps['store'],
  limit: number,
  after: OpenTicket | undefined,
): Promise<{ open: OpenTicket[]; end: boolean }> => {
  const first = await store.listOpenTickets(limit, after)
  if (first.length === limit) return { open: first, end: false }
  if (after === undefined) return { open: first, end: true }
  const rest = limit - first.length
  const listed = new Set(first.map(({ route, key }) => `${route}\u0000${key}`))
  const fromStart = await store.listOpenTickets(rest)
  return {
    open: [...first, ...fromStart.filter(({ route, key }) => !listed.has(`${route}\u0000${key}`))],
    end: fromStart.length < rest,
  }
}

/**
 * One reconcile sweep: lists open tickets from where the last sweep stopped (up to the pace;
 * round to the least recently heard from at the end), reads each from Halo in the budget's
 * sweep lane, and queues a ticket event (see {@link reconcileEnvelope}) for deliver to apply
 * only when the read shows a change: closed, deleted (404) or merged. A ticket still open costs
 * no message, no deliver run and no write; the cursor is what moves on. It never sleeps: when
 * the lane is full or Halo is unavailable it stops and leaves the cursor at the last ticket it
 * finished, so a missed or cut-short sweep loses nothing.
 *
 * @throws QueueError when an envelope cannot be queued (the cursor stays before that ticket).
 */
export const runSweep = async (pace: SweepPace, deps: SweepDeps): Promise<SweepReport> => {
  const after = await deps.cursor.read()
  const { open, end } = await listFrom(deps.store, pace.maxTickets, after)
  const report: SweepReport = {
    listed: open.length,
    queued: 0,
    unchanged: 0,
    failed: 0,
    unrouted: 0,
  }
  let finished: OpenTicket | undefined
  try {
    for (const ticket of open) {
      const route = deps.routes.get(ticket.route)
      if (!route) {
        report.unrouted++
        finished = ticket
        continue
      }
      if (deps.deadline !== undefined && deps.now().getTime() >= deps.deadline) {
        report.stoppedBy = 'deadline'
        break
      }
      const read = await readForSweep(deps, ticket.ticketId)
      if (read.kind === 'stop') {
        report.stoppedBy = read.reason
        break
      }
      if (read.kind === 'failed') {
        report.failed++
        deps.logger.warn('reconcile sweep could not read a ticket', {
          ticketId: ticket.ticketId,
          route: ticket.route,
          error: read.error,
        })
      } else {
        const envelope = reconcileEnvelope(ticket, read.ticket, deps.now())
        if (ticketCondition(envelope.ticketEvent, route.lifecycle.closedStatusId) === 'open') {
          report.unchanged++
        } else {
          await deps.queue.send([envelope])
          report.queued++
        }
      }
      finished = ticket
    }
  } finally {
    const whole = report.stoppedBy === undefined && finished === open.at(-1)
    const next = whole && end ? undefined : (finished ?? after)
    if (next !== after) await deps.cursor.write(next)
  }
  deps.logger.info('reconcile sweep done', { ...report })
  return report
}

type SweepRead =
  | { kind: 'read'; ticket: HaloTicket | undefined }
  | { kind: 'stop'; reason: 'budget' | 'halo_unavailable' }
  | { kind: 'failed'; error: unknown }

const readForSweep = async (deps: SweepDeps, ticketId: number): Promise<SweepRead> => {
  try {
    return { kind: 'read', ticket: await deps.halo.getTicket(ticketId, { lane: 'sweep' }) }
  } catch (error) {
    if (!(error instanceof HaloApiError)) throw error
    if (error.status === 404) return { kind: 'read', ticket: undefined }
    if (error.kind === 'budget') return { kind: 'stop', reason: 'budget' }
    if (error.retryable) return { kind: 'stop', reason: 'halo_unavailable' }
    return { kind: 'failed', error }
  }
}
