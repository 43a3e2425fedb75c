import type { Logger } from '../shared/observability.js'
import type { SweepReport } from '../shared/reconcile/run-sweep.js'

export type ReconcileTimerOptions = {
  /** One sweep (`runSweep` with the gateway's store, Halo client and queue). */
  sweep: () => Promise<SweepReport>
  everyMs: number
  logger: Logger
}

/**
 * The local gateway's stand-in for the AWS schedule: a sweep every `everyMs`, the first one
 * period after start. The next is timed from the end of the last, so two never overlap, and a
 * failed sweep is logged and the next one tries again (it starts from the least recently checked
 * tickets, so nothing is lost).
 */
export const startReconcileTimer = ({ sweep, everyMs, logger }: ReconcileTimerOptions) => {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = Promise.resolve()
  let stopped = false

  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => {
      running = sweep()
        .catch((error: unknown) => logger.warn('reconcile sweep failed', { error }))
        .finally(schedule)
    }, everyMs)
    // A sweep still due never keeps the process alive on its own.
    timer.unref()
  }
  schedule()

  return {
    /** Stops the timer and waits for a sweep in progress. */
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
