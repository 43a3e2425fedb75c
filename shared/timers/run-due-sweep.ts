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
   * The routes configured now: only their problems are listed (one query per route). A route no
   * longer configured gets no timer (deliver could not decide on it), and its problems never
   * stand in front of others: the index has a part per route. A route whose policy no longer
   * keeps deadlines is still listed, so what it left due is decided (or held) once.
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
  stoppedBy?: 'deadline'
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
  const due = await deps.store.listDue(now, deps.limit ?? DUE_SWEEP_LIMIT, [...deps.routes])
  const report: DueSweepReport = { listed: due.length, queued: 0 }
  for (let start = 0; start < due.length; start += BATCH) {
    if (deps.deadline !== undefined && deps.now().getTime() >= deps.deadline) {
      report.stoppedBy = 'deadline'
      break
    }
    const batch = due.slice(start, start + BATCH).map((problem) => dueEnvelope(problem, now))
    await deps.queue.send(batch)
    report.queued += batch.length
  }
  if (report.listed > 0) deps.logger.info('due sweep done', { ...report })
  return report
}
