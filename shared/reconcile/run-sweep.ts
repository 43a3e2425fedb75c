import { HaloApiError } from '../errors.js'
import type { HaloTicket } from '../halo/schemas.js'
import type { CorrelationStore } from '../lifecycle/correlation-store.js'
import type { Logger } from '../observability.js'
import type { EventQueue } from '../queue/event-queue.js'
import { reconcileEnvelope } from './reconcile-envelope.js'
import type { SweepPace } from './sweep-pace.js'

export type SweepDeps = {
  store: Pick<CorrelationStore, 'listOpenTickets'>
  /** Reads one ticket in the budget's sweep lane, which never waits: a full lane throws at once. */
  halo: { getTicket(id: number, options: { lane: 'sweep' }): Promise<HaloTicket> }
  queue: EventQueue
  /**
   * The routes configured now. A ticket of a route no longer configured is not read: deliver
   * could not apply what the read shows (it would park the message every sweep).
   */
  routes: ReadonlySet<string>
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
  /** Open tickets listed, least recently checked first. */
  listed: number
  /** Of those, read from Halo and queued as ticket events. */
  queued: number
  /** Read failed for that ticket alone (not retryable); it stays first for the next sweep. */
  failed: number
  /** Skipped unread: their route is no longer configured (they stay listed until they expire). */
  unrouted: number
  stoppedBy?: SweepStop
}

/**
 * One reconcile sweep: lists the open tickets least recently checked first (up to the pace),
 * reads each from Halo in the budget's sweep lane, and queues what it read as a ticket event
 * (see {@link reconcileEnvelope}) for deliver to apply. It never sleeps: when the lane is full
 * or Halo is unavailable it stops, and the next sweep starts again from the least recently
 * checked, so a missed or cut-short sweep loses nothing. A ticket that is no longer there
 * (404) is queued as deleted.
 *
 * @throws QueueError when an envelope cannot be queued (the next sweep reads that ticket again).
 */
export const runSweep = async (pace: SweepPace, deps: SweepDeps): Promise<SweepReport> => {
  const open = await deps.store.listOpenTickets(pace.maxTickets)
  const report: SweepReport = { listed: open.length, queued: 0, failed: 0, unrouted: 0 }
  for (const ticket of open) {
    if (!deps.routes.has(ticket.route)) {
      report.unrouted++
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
      continue
    }
    await deps.queue.send([reconcileEnvelope(ticket, read.ticket, deps.now())])
    report.queued++
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
