import * as z from 'zod'

/** What is remembered per (route, correlation key): the Halo ticket and the problem's history. */
export const CorrelationRecordSchema = z.object({
  route: z.string(),
  key: z.string(),
  /** The Halo ticket that tracks this problem, once one exists. */
  ticketId: z.number().int().optional(),
  state: z.enum(['open', 'closed', 'resolved']),
  occurrences: z.number().int().nonnegative(),
  firstSeen: z.iso.datetime(),
  lastSeen: z.iso.datetime(),
  /** When a "recurred" note was last added, to rate-limit notes. */
  lastNotedAt: z.iso.datetime().optional(),
  /** When the ticket's state was last confirmed in Halo. */
  checkedAt: z.iso.datetime().optional(),
  /** Envelope ids already applied, newest last (bounded), so a redelivery is recognised. */
  applied: z.array(z.string()).default([]),
  /** Optimistic-concurrency version: every successful write increments it. */
  version: z.number().int().nonnegative(),
})

export type CorrelationRecord = z.infer<typeof CorrelationRecordSchema>

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
