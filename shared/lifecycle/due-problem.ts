import type { CorrelationRecord, CorrelationState, DueProblem } from './correlation-store.js'
import { dueAtOf } from './due.js'

/** When a state needs a decision no event brings (`dueAtOf`): what the stores index by. */
export type DueTimeOf = (state: CorrelationState) => string | undefined

/** How a store adapter keys its due index. */
export type DueIndexOptions = {
  /**
   * When a state is due. Only tests give another: one that stands for a policy's deadline.
   * @default dueAtOf
   */
  dueAtOf?: DueTimeOf | undefined
}

/**
 * The problem a record puts in the stores' due index, with the time it is due, if any. A record
 * holding a write in flight is due when the state that write leads to is (its `next`): with write
 * receipts that state is stored only by the problem's next write, and the deadline the write
 * moved must not keep the record due meanwhile. The time is written as `toISOString` writes it,
 * so that every adapter orders by its text.
 */
export const dueProblemOf = (
  record: CorrelationRecord,
  dueTimeOf: DueTimeOf = dueAtOf,
): DueProblem | undefined => {
  const due = dueTimeOf(record.pending?.next ?? record)
  if (due === undefined) return undefined
  return { route: record.route, key: record.key, dueAt: new Date(due).toISOString() }
}

/**
 * The due sweep's order: longest overdue first, then by route and key, so every adapter (and a
 * missed sweep's successor) lists the same problems first.
 */
export const byDueFirst = (a: DueProblem, b: DueProblem): number =>
  compare(a.dueAt, b.dueAt) || compare(a.route, b.route) || compare(a.key, b.key)

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
