import * as z from 'zod'
import { HaloCommandSchema } from '../mapping/halo-command.js'

/** What is remembered per (route, correlation key): the Halo ticket and the problem's history. */
export const CorrelationStateSchema = z.object({
  route: z.string(),
  key: z.string(),
  /** The Halo ticket that tracks (or last tracked) this problem. */
  ticketId: z.number().int().optional(),
  /**
   * `open`: a ticket is open for it. `closed`: its ticket was closed (by us or in Halo).
   * `resolved`: resolved without a ticket. `pending`: firing, below the occurrence threshold.
   * `suppressed`: firing during a maintenance window that counts only.
   */
  state: z.enum(['open', 'closed', 'resolved', 'pending', 'suppressed']),
  /** Firing events since the current problem began. */
  occurrences: z.number().int().nonnegative(),
  firstSeen: z.iso.datetime(),
  lastSeen: z.iso.datetime(),
  /** When a "recurred" note was last added, to rate-limit notes. */
  lastNotedAt: z.iso.datetime().optional(),
  /** Occurrences already reported in a note, so the next note says how many came since. */
  notedOccurrences: z.number().int().nonnegative().optional(),
  /** When the ticket's state was last confirmed in Halo (or written by us). */
  checkedAt: z.iso.datetime().optional(),
  /**
   * The agent our create assigned the ticket to (from the route's template), so that only another
   * agent counts as a technician taking it (`resolve: close-if-untouched`).
   */
  agentId: z.number().int().optional(),
  /** When the ticket was closed, for the reopen window. */
  closedAt: z.iso.datetime().optional(),
  /** Envelope ids already applied, newest last (bounded), so a redelivery is recognised. */
  applied: z.array(z.string()).default([]),
})

/**
 * A Halo write decided but not yet recorded as done: exactly the call to make and the state to
 * store once it is made. After a crash or an ambiguous failure the next attempt finds the write
 * in Halo or makes exactly this call; it never decides again.
 */
export const PendingWriteSchema = z.object({
  envelopeId: z.string(),
  command: HaloCommandSchema,
  /** The state to store once the write is done (a created ticket's id is added then). */
  next: CorrelationStateSchema,
  at: z.iso.datetime(),
  /** Known not to be in Halo (refused before it was processed): make it without asking first. */
  unsent: z.boolean().optional(),
})

export const CorrelationRecordSchema = CorrelationStateSchema.extend({
  /** A write in flight (see PendingWriteSchema). */
  pending: PendingWriteSchema.optional(),
  /** Optimistic-concurrency version: every successful write increments it. */
  version: z.number().int().nonnegative(),
})

export type CorrelationState = z.infer<typeof CorrelationStateSchema>
export type CorrelationRecord = z.infer<typeof CorrelationRecordSchema>
export type PendingWrite = z.infer<typeof PendingWriteSchema>

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
}
