import type { CorrelationRecord, CorrelationState } from './correlation-record-schema.js'

export type {
  CorrelationRecord,
  CorrelationState,
  DeferredCreate,
  Flap,
  HeartbeatState,
  KeptAlert,
  PendingWrite,
  SourceResolve,
} from './correlation-record-schema.js'

/** The longest label set kept with a problem (JSON characters): a DynamoDB item stays small. */
export const MAX_KEPT_LABELS_CHARS = 4_096

/** A problem whose Halo ticket is open, as the reconcile sweep lists it. */
export type OpenTicket = {
  route: string
  key: string
  ticketId: number
  /**
   * When halo-hooks last heard from Halo about the ticket: a Halo webhook's event or a sweep's
   * read (never heard: when the problem began). Deliveries do not move it, so the index the sweep
   * lists from is written only when Halo is heard from, not on every note.
   */
  checkedAt: string
}

/**
 * The open ticket a record holds, if any, with the time the sweep orders it by: a record whose
 * state is `open` and that has a ticket. Every adapter indexes exactly these.
 */
export const openTicketOf = (record: CorrelationState): OpenTicket | undefined =>
  record.state === 'open' && record.ticketId !== undefined
    ? {
        route: record.route,
        key: record.key,
        ticketId: record.ticketId,
        checkedAt: record.haloEventAt ?? record.firstSeen,
      }
    : undefined

/**
 * A problem whose due time has come, as the due sweep lists it: its record, and the due time the
 * record held when the store listed it (`toISOString` form).
 */
export type DueProblem = { route: string; key: string; dueAt: string }

/**
 * Correlation state. Adapters: memory (local, tests) and DynamoDB (AWS, conditional writes).
 * Writes are conditional so two workers can never both believe they own the same key.
 */
export interface CorrelationStore {
  get(route: string, key: string): Promise<CorrelationRecord | undefined>
  /**
   * Writes `record` (with `version` = `expectedVersion + 1`) only if the stored version is still
   * `expectedVersion` (`undefined`: only if no record exists). Resolves false on a conflict.
   */
  put(record: CorrelationRecord, expectedVersion: number | undefined): Promise<boolean>
  /**
   * The record whose current ticket is `ticketId` (the index every write of a record with a
   * ticket keeps), or undefined when no record holds it now: a Halo ticket event finds its
   * problem without a scan and without asking Halo.
   */
  findByTicket(ticketId: number): Promise<CorrelationRecord | undefined>
  /**
   * Up to `limit` open tickets (see {@link openTicketOf}), least recently checked first (ties by
   * route and key), from an index only open records are in: the reconcile sweep's work list.
   * `after`: only those that come after this one in that order (where the last sweep stopped).
   */
  listOpenTickets(limit: number, after?: OpenTicket): Promise<OpenTicket[]>
  /**
   * Up to `limit` problems of `routes` whose due time (see `dueProblemOf` in due-problem.ts) is at
   * or before `now`, longest overdue first (ties by route and key), from an index only records
   * with a due time are in, one part per route: the due sweep's work list, of the routes
   * configured now (what a removed route left due is never listed). A sweep that was missed loses
   * nothing: what it would have listed is still due, and still first.
   */
  listDue(now: Date, limit: number, routes: readonly string[]): Promise<DueProblem[]>
}
