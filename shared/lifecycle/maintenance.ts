import type { MaintenanceWindow } from './lifecycle-policy.js'
import { inWeekly } from './weekly-hours.js'

/** The first maintenance window `at` falls in, if any. Pure: the caller passes the instant. */
export const activeWindow = (
  windows: readonly MaintenanceWindow[],
  at: Date,
): MaintenanceWindow | undefined =>
  windows.find((window) => {
    if (window.weekly) return inWeekly(window.weekly, window.weekly.timezone, at)
    const start = Date.parse(window.start ?? '')
    const end = Date.parse(window.end ?? '')
    return at.getTime() >= start && at.getTime() < end
  })
