import { createHash } from 'node:crypto'
import type { Alert } from '../alert.js'
import type { CompiledRoute } from '../config/compile-config.js'

const MAX_GROUP = 200

/** The key as a group: text, a long one hashed (queue group ids and stored keys stay short). */
const asGroup = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).trim()
  if (text === '') return undefined
  if (text.length <= MAX_GROUP) return text
  return `sha256:${createHash('sha256').update(text).digest('hex')}`
}

/** The alert with its group, or as it was when its group key yields nothing. */
const grouped = (alert: Alert, value: unknown): Alert => {
  const group = asGroup(value)
  return group === undefined ? alert : { ...alert, group }
}

/**
 * The alert of a route with a `group` policy, with its incident group: the route's `group.key`
 * template rendered over the finished alert and the sender's payload, or by default the alert's
 * tenant (id, else name). A key that yields nothing (by default: an alert that names no tenant)
 * leaves the alert ungrouped (its own ticket, as without the policy); one that fails to
 * render fails as the route's alert templates do (`TemplateError`). Synchronous unless the
 * template runs JSONata.
 */
export const withGroup = (
  alert: Alert,
  route: Pick<CompiledRoute, 'name' | 'group' | 'groupKey'>,
  payload: unknown,
  receivedAt: string,
): Alert | Promise<Alert> => {
  if (!route.group) return alert
  // A route that finds clients in Halo (by asset, by name) may carry several clients' alerts
  // with no tenant hint: grouping those by default could put one client's host on another's
  // ticket, so they stay ungrouped unless the route's own key says otherwise.
  if (!route.groupKey) return grouped(alert, alert.tenant?.id || alert.tenant?.name)
  const rendered = route.groupKey.renderNow({ alert, payload, route: route.name, receivedAt })
  if (rendered instanceof Promise) {
    return rendered.then((value) => grouped(alert, (value as { key?: unknown }).key))
  }
  return grouped(alert, (rendered as { key?: unknown } | undefined)?.key)
}
