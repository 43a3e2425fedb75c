import * as z from 'zod'
import { parseSettings } from './parse-settings.js'

/**
 * Halo requests that every worker together may make per window: the local gateway's and the AWS
 * stack's, set once in the config file. A ceiling: the budget learns a lower limit from Halo's
 * 429s and rises back toward this. Hosted Halo allows about 300 per 5 minutes; tenants have
 * reported 450 / 5 min and 60 / min.
 */
export const HaloBudgetSchema = z
  .object({
    /** Requests per window at most. @default 250 */
    limit: z.coerce.number().int().min(1).max(100_000).default(250),
    /** The rolling window, in seconds. @default 300 */
    windowSeconds: z.coerce.number().int().min(1).max(3_600).default(300),
  })
  .strict()

export type HaloBudget = z.infer<typeof HaloBudgetSchema>
export type HaloBudgetInput = z.input<typeof HaloBudgetSchema>

export const DEFAULT_HALO_BUDGET: HaloBudget = { limit: 250, windowSeconds: 300 }

/**
 * The config file's budget with what the environment or CDK context overrides (`HALO_BUDGET_LIMIT`
 * and `HALO_BUDGET_WINDOW_SECONDS`; `-c budgetLimit=… budgetWindowSeconds=…`), validated.
 */
export const resolveHaloBudget = (
  fromConfig: HaloBudgetInput | undefined,
  override: { limit?: unknown; windowSeconds?: unknown },
  origin: string,
): HaloBudget => {
  const given = Object.fromEntries(
    Object.entries(override).filter(([, value]) => value !== undefined && value !== ''),
  )
  return parseSettings(HaloBudgetSchema, { ...fromConfig, ...given }, `budget (${origin})`, [
    'budget',
  ])
}
