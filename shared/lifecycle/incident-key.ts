import type { Alert } from '../alert.js'

/**
 * The key an incident is stored (and queued) under: every alert of the group is this one problem.
 * An alert key that happens to begin with `incident:` could only meet it on a grouping route.
 */
export const incidentKey = (group: string): string => `incident:${group}`

/**
 * The problem an alert is part of: its incident when it was grouped at ingest, else its own. With
 * its route: its own too when the route no longer groups (its config changed since ingest).
 */
export const problemKeyOf = (
  alert: Pick<Alert, 'key' | 'group'>,
  route?: { group?: object | undefined },
): string =>
  alert.group === undefined || (route && !route.group) ? alert.key : incidentKey(alert.group)
