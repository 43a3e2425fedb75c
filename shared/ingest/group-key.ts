import { createHash } from 'node:crypto'
import type { Alert } from '../alert.js'
import type { CompiledRoute } from '../config/compile-config.js'
import { TemplateError } from '../errors.js'
import type { TenantPolicy } from '../mapping/tenant-policy.js'

const MAX_GROUP = 200

/** The key as a group: text, a long one hashed (queue group ids and stored keys stay short). */
const asGroup = (value: unknown): string | undefined => {
  if (value === undefined || value === null) return undefined
  const text = (typeof value === 'string' ? value : JSON.stringify(value)).trim()
  if (text === '') return undefined
  if (text.length <= MAX_GROUP) return text
  return `sha256:${createHash('sha256').update(text).digest('hex')}`
}

/**
 * Whether every alert of the route that names no tenant goes to one Halo client: its ticket
 * template names the client as a constant, or it finds no client by asset (so only
 * `tenant.fallbackClientId`, or nothing, routes such an alert). Then the default group key of
 * those alerts is the route; otherwise they stay ungrouped, since grouping could put one client's
 * host on another client's ticket.
 */
export const oneClientWithoutTenant = (
  ticket: unknown,
  tenant: Pick<TenantPolicy, 'asset' | 'clientFromAsset'>,
): boolean => {
  const clientId = (ticket as { client_id?: unknown } | undefined)?.client_id
  if (typeof clientId === 'number') return true
  if (clientId !== undefined) return false
  return tenant.asset === 'none' || !tenant.clientFromAsset
}

/** The alert with its group, or as it was when its group key yields nothing. */
const grouped = (alert: Alert, value: unknown): Alert => {
  const group = asGroup(value)
  return group === undefined ? alert : { ...alert, group }
}

/**
 * The alert of a route with a `group` policy, with its incident group: the route's `group.key`
 * template rendered over the finished alert and the sender's payload, or by default the alert's
 * tenant (id, else name) and, for an alert that names none, the route when all such alerts go
 * to one client (`groupTenantless`). A key that yields nothing, or that fails to render, leaves
 * the alert ungrouped (its own ticket, as without the policy): grouping is never worth losing
 * the alert over. Synchronous unless the template runs JSONata.
 */
export const withGroup = (
  alert: Alert,
  route: Pick<CompiledRoute, 'name' | 'group' | 'groupKey' | 'groupTenantless'>,
  payload: unknown,
  receivedAt: string,
): Alert | Promise<Alert> => {
  if (!route.group) return alert
  if (!route.groupKey) {
    const tenant = alert.tenant?.id || alert.tenant?.name
    return grouped(alert, tenant || (route.groupTenantless ? route.name : undefined))
  }
  let rendered: unknown
  try {
    rendered = route.groupKey.renderNow({ alert, payload, route: route.name, receivedAt })
  } catch (error) {
    if (error instanceof TemplateError) return alert
    throw error
  }
  if (rendered instanceof Promise) {
    return rendered.then(
      (value) => grouped(alert, (value as { key?: unknown }).key),
      (error: unknown) => {
        if (error instanceof TemplateError) return alert
        throw error
      },
    )
  }
  return grouped(alert, (rendered as { key?: unknown } | undefined)?.key)
}
