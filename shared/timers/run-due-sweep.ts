import type { CorrelationStore } from '../lifecycle/correlation-store.js'
import type { Logger } from '../observability.js'
import type { EventQueue } from '../queue/event-queue.js'
import { dueEnvelope } from './due-envelope.js'

/** Due problems listed by one sweep at most; the rest are listed, oldest first, by the next. */
export const DUE_SWEEP_LIMIT = 500

/** Timers queued per send (an SQS batch holds ten). */
const BATCH = 10

export type DueSweepDeps = {
  store: Pick<CorrelationStore, 'listDue'>
  queue: EventQueue
  /**
   * The routes configured now. A problem of a route no longer configured gets no timer: deliver
   * could not decide on it (it would park the message every sweep).
   */
  routes: ReadonlySet<string>
  logger: Logger
  now: () => Date
  /** Stop before queueing another batch at or after this time (ms since epoch): a Lambda's end. */
  deadline?: number
  /** @default DUE_SWEEP_LIMIT */
  limit?: number
}

export type DueSweepReport = {
  /** Due problems listed, longest overdue first. */
  listed: number
  /** Of those, timers queued. */
  queued: number
  /** Skipped: their route is no longer configured (they stay listed until they expire). */
  unrouted: number
  stoppedBy?: 'deadline'
}

/** How many times its limit a sweep lists at most to get past problems of removed routes. */
const MAX_LISTED_PER_LIMIT = 10

/**
 * Up to `limit` due problems of configured routes. Problems of a route no longer configured stay
 * due (deliver cannot decide on them) until their records expire; listed first, they would take
 * every place of a sweep, so the list is taken again past as many of them as were found, up to
 * {@link MAX_LISTED_PER_LIMIT} times the limit.
 */
const listRouted = async (deps: DueSweepDeps, now: Date, limit: number) => {
  let size = limit
  for (;;) {
    const due = await deps.store.listDue(now, size)
    const routed = due.filter((problem) => deps.routes.has(problem.route))
    const exhausted = due.length < size || size >= limit * MAX_LISTED_PER_LIMIT
    if (routed.length >= limit || exhausted) {
      // Listed: up to the last problem a place is left for.
      const last = routed[limit - 1]
      const listed = last ? due.slice(0, due.indexOf(last) + 1) : due
      return { due: listed, routed: routed.slice(0, limit) }
    }
    size = Math.min(limit * MAX_LISTED_PER_LIMIT, size + (due.length - routed.length))
  }
}

/**
 * One due sweep: lists the problems whose due time has come (the store's due index, longest
 * overdue first) and queues one timer for each (`dueEnvelope`), for deliver to decide on. It
 * never calls Halo and never sleeps. A timer's id is fixed by its problem and due time, so a
 * problem listed again before its timer was delivered is queued again as the same timer (SQS FIFO
 * drops it within five minutes; deliver's applied ids after that), and a sweep that was missed
 * or cut short loses nothing: what it did not queue is still due, and still first.
 *
 * @throws QueueError when timers cannot be queued (the next sweep lists them again).
 */
export const runDueSweep = async (deps: DueSweepDeps): Promise<DueSweepReport> => {
  const now = deps.now()
  const { due, routed } = await listRouted(deps, now, deps.limit ?? DUE_SWEEP_LIMIT)
  const report: DueSweepReport = {
    listed: due.length,
    queued: 0,
    unrouted: due.length - routed.length,
  }
  for (let start = 0; start < routed.length; start += BATCH) {
    if (deps.deadline !== undefined && deps.now().getTime() >= deps.deadline) {
      report.stoppedBy = 'deadline'
      break
    }
    const batch = routed.slice(start, start + BATCH).map((problem) => dueEnvelope(problem, now))
    await deps.queue.send(batch)
    report.queued += batch.length
  }
  if (report.listed > 0) deps.logger.info('due sweep done', { ...report })
  return report
}
