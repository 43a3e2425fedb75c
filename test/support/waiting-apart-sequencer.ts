import { relative } from 'node:path'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * Test files that spend most of their time waiting on real time (a queue's visibility timeout,
 * a rate window, a restarted process), not computing: a worker running one leaves its core idle.
 */
export const WAITING_FILES: readonly string[] = [
  'test/e2e/chaos.test.ts',
  'test/e2e/reconcile-sweep.test.ts',
  'test/e2e/kill-restart.test.ts',
  'test/integration/halo/halo-client-faults.test.ts',
  'test/integration/deliver/batch-deadline.test.ts',
]

/** A file to order: its last run's duration, and whether it mostly waits. */
export type Planned<Spec> = { spec: Spec; ms: number; waiting: boolean }

/**
 * Vitest's order (the longest files first, by their last run), with the waiting files spread out
 * instead of all started at once: the pool is played through with the last run's durations, and a
 * waiting file takes a free worker only while no other one runs, unless the waiting files left
 * would then outlast the rest. Run longest-first together, they held every worker of a 2-core
 * machine with its cores nearly idle for several seconds.
 */
export class WaitingApartSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const root = this.ctx.config.root
    const durationOf = (spec: TestSpecification) =>
      this.ctx.cache.getFileTestResults(`${spec.project.name}:${relative(root, spec.moduleId)}`)
        ?.duration ?? 0
    const planned: Planned<TestSpecification>[] = sorted.map((spec) => ({
      spec,
      ms: durationOf(spec),
      waiting: WAITING_FILES.includes(relative(root, spec.moduleId)),
    }))
    return playThrough(planned, Math.max(2, Number(this.ctx.config.maxWorkers) || 2))
  }
}

/** The order in which `workers` workers would take `planned`, keeping the waiting files apart. */
export const playThrough = <Spec>(planned: readonly Planned<Spec>[], workers: number): Spec[] => {
  const waiting = planned.filter((file) => file.waiting)
  const working = planned.filter((file) => !file.waiting)
  const total = (files: readonly Planned<Spec>[]) => files.reduce((sum, file) => sum + file.ms, 0)
  const running: { endsAt: number; waiting: boolean }[] = []
  const order: Spec[] = []
  let now = 0
  while (waiting.length > 0 || working.length > 0) {
    if (running.length >= workers) {
      running.sort((a, b) => a.endsAt - b.endsAt)
      now = running.shift()?.endsAt ?? now
      continue
    }
    const waitersRunning = running.filter((file) => file.waiting).length
    const waitersBehind = total(waiting) > total(working) / Math.max(1, workers - 1)
    const next =
      waiting.length > 0 && (working.length === 0 || waitersRunning === 0 || waitersBehind)
        ? waiting.shift()
        : working.shift()
    if (!next) break
    order.push(next.spec)
    running.push({ endsAt: now + next.ms, waiting: next.waiting })
  }
  return order
}
