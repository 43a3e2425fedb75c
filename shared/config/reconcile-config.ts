import { DEFAULT_SWEEP_SHARE, MAX_SWEEP_SHARE } from '../halo/budget-state.js'
import * as z from '../zod-mini.js'

/**
 * The reconcile sweep: every `everyMinutes`, the open tickets halo-hooks owns are re-read from
 * Halo, least recently checked first, and what they show is applied as a Halo ticket event
 * would be. It reads in the budget's lowest lane, at most `maxTicketsPerSweep` tickets per sweep
 * and never more than `maxBudgetShare` of the window, so it catches closures whose webhook was
 * lost (or never configured) without crowding out deliveries.
 */
export const ReconcileSchema = z.strictObject({
  /** Sweep at all. @default true */
  enabled: z._default(z.boolean(), true),
  /** Minutes between sweeps (the AWS schedule's rate, the local gateway's timer). @default 10 */
  everyMinutes: z._default(z.number().check(z.int(), z.gte(1), z.lte(1_440)), 10),
  /** Tickets read per sweep at most. @default 50 */
  maxTicketsPerSweep: z._default(z.number().check(z.int(), z.gte(1), z.lte(1_000)), 50),
  /**
   * The share of the Halo budget's window the sweep may fill, every caller's requests counted:
   * the sweep reads only while the window is below it, so it yields to deliveries. @default 0.2
   */
  maxBudgetShare: z._default(
    z.number().check(z.gt(0), z.lte(MAX_SWEEP_SHARE)),
    DEFAULT_SWEEP_SHARE,
  ),
})

export type Reconcile = z.infer<typeof ReconcileSchema>
export type ReconcileInput = z.input<typeof ReconcileSchema>

export const DEFAULT_RECONCILE: Reconcile = ReconcileSchema.parse({})
