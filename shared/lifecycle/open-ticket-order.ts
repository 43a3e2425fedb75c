import type { OpenTicket } from './correlation-store.js'

/**
 * The reconcile sweep's order: least recently heard from Halo first (a webhook or a sweep's read), then by route and key, so every
 * adapter (and a missed sweep's successor) lists the same tickets first. ISO times of one format
 * compare as strings.
 */
export const byLeastRecentlyChecked = (a: OpenTicket, b: OpenTicket): number =>
  compare(a.checkedAt, b.checkedAt) || compare(a.route, b.route) || compare(a.key, b.key)

/** The ticket's place in that order as one string (`#` sorts below every route name character). */
export const openTicketOrder = ({ checkedAt, route, key }: OpenTicket): string =>
  `${checkedAt}#${route}#${key}`

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
