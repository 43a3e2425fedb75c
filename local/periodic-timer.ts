import type { Logger } from '../shared/observability.js'

export type PeriodicTimerOptions = {
  /** One run (a sweep with the gateway's store and queue). */
  run: () => Promise<unknown>
  everyMs: number
  logger: Logger
  /** What a failed run is logged as (`reconcile sweep failed`). */
  failure: string
}

/**
 * The local gateway's stand-in for an AWS schedule (the reconcile sweep's, the due sweep's): a
 * run every `everyMs`, the first one period after start. The next is timed from the end of the
 * last, so two never overlap, and a failed run is logged and the next one tries again (each
 * sweep starts from what is still to do, so nothing is lost).
 */
export const startPeriodicTimer = ({ run, everyMs, logger, failure }: PeriodicTimerOptions) => {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = Promise.resolve()
  let stopped = false

  const schedule = () => {
    if (stopped) return
    timer = setTimeout(() => {
      running = run()
        .catch((error: unknown) => logger.warn(failure, { error }))
        .finally(schedule)
    }, everyMs)
    // A run still due never keeps the process alive on its own.
    timer.unref()
  }
  schedule()

  return {
    /** Stops the timer and waits for a run in progress. */
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
