import * as z from 'zod'
import { DEFAULT_SWEEP_SHARE, MAX_SWEEP_SHARE } from '../halo/budget-state.js'

/**
 * The reconcile sweep: every `everyMinutes`, the open tickets halo-hooks owns are re-read from
 * Halo, least recently checked first, and what they show is applied as a Halo ticket event
 * would be. It reads in the budget's lowest lane, at most `maxTicketsPerSweep` tickets per sweep
 * and never more than `maxBudgetShare` of the window, so it catches closures whose webhook was
 * lost (or never configured) without crowding out deliveries.
 */
export const ReconcileSchema = z
  .object({
    /** Sweep at all. @default true */
    enabled: z.boolean().default(true),
    /** Minutes between sweeps (the AWS schedule's rate, the local gateway's timer). @default 10 */
    everyMinutes: z.number().int().min(1).max(1_440).default(10),
    /** Tickets read per sweep at most. @default 50 */
    maxTicketsPerSweep: z.number().int().min(1).max(1_000).default(50),
    /**
     * The share of the Halo budget's window the sweep may fill, every caller's requests counted:
     * the sweep reads only while the window is below it, so it yields to deliveries. @default 0.2
     */
    maxBudgetShare: z.number().gt(0).max(MAX_SWEEP_SHARE).default(DEFAULT_SWEEP_SHARE),
  })
  .strict()

export type Reconcile = z.infer<typeof ReconcileSchema>
export type ReconcileInput = z.input<typeof ReconcileSchema>

export const DEFAULT_RECONCILE: Reconcile = ReconcileSchema.parse({})
