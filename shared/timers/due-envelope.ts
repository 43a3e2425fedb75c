import { createHash } from 'node:crypto'
import type { DueEnvelope } from '../envelope.js'
import type { DueProblem } from '../lifecycle/correlation-store.js'

/** The `source` of the timers the due sweep queues, and their type. */
export const TIMER_SOURCE = 'timer'
export const TIMER_TYPE = 'timer.due'

/**
 * The timer for a problem whose due time has come. Its id is the same for the same (route, key,
 * due time) whichever sweep lists it, so listing one due time twice queues one timer: SQS FIFO
 * drops the second within its deduplication interval, and the record's applied ids after that.
 */
export const dueEnvelope = (due: DueProblem, listedAt: Date): DueEnvelope => ({
  v: 3,
  id: `due-${createHash('sha256')
    .update(`${due.route}\u0000${due.key}\u0000${due.dueAt}`)
    .digest('base64url')
    .slice(0, 43)}`,
  route: due.route,
  source: TIMER_SOURCE,
  type: TIMER_TYPE,
  receivedAt: listedAt.toISOString(),
  due: { key: due.key, at: due.dueAt },
})
