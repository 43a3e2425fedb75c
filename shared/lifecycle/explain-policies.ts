import type { Alert } from '../alert.js'
import type { DeliveryRoute } from '../config/compile-config.js'
import { inBusinessHours, nextOpening } from './business-hours.js'
import type { CorrelationRecord } from './correlation-store.js'

const MINUTE = 60_000

/**
 * What the dry run says about a route's business hours, flapping and quiet-resolve policies for
 * this alert now: where the clock stands against the hours (and whether this alert's ticket
 * would wait), how many status changes the problem has made within the flapping window, and the
 * close or settle a timer is waiting for. Empty for a route with none of them. Pure.
 */
export const explainPolicies = (
  record: CorrelationRecord | undefined,
  alert: Pick<Alert, 'status' | 'severity'>,
  route: Pick<DeliveryRoute, 'lifecycle' | 'noise' | 'businessHours'>,
  now: Date,
) => {
  const { businessHours: hours, noise, lifecycle } = route
  const explained: Record<string, unknown> = {}
  if (hours) {
    const opening = nextOpening(hours, now)
    explained.businessHours = {
      inBusinessHours: inBusinessHours(hours, now),
      timezone: hours.timezone,
      ...(opening ? { nextOpening: opening.toISOString() } : {}),
      outOfHours: hours.outOfHours,
      deferredSeverity:
        hours.outOfHours === 'defer' && hours.deferSeverities.includes(alert.severity),
      rule: 'templates see alert.inBusinessHours for the instant the ticket is created; out of hours, outOfHours: defer holds a new ticket of a deferred severity until the next opening; a maintenance window wins over business hours',
    }
  }
  if (noise.flapping) {
    const since = now.getTime() - noise.flapping.withinMinutes * MINUTE
    const changes = (record?.flap?.changes ?? []).filter((at) => Date.parse(at) > since)
    explained.flapping = {
      changesWithinWindow: changes.length,
      flappingAt: noise.flapping.changes,
      withinMinutes: noise.flapping.withinMinutes,
      ...(record?.flap?.stableAt ? { heldOpenUntil: record.flap.stableAt } : {}),
    }
  }
  if (lifecycle.resolveAfterQuietMinutes !== undefined) {
    explained.quietResolve = {
      minutes: lifecycle.resolveAfterQuietMinutes,
      ...(record?.closeAt ? { closesAt: record.closeAt } : {}),
    }
  }
  return explained
}
