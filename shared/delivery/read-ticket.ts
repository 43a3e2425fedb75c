import { HaloApiError } from '../errors.js'
import type { HaloTicket } from '../halo/schemas.js'
import type { CorrelationRecord } from '../lifecycle/correlation-store.js'
import type { LifecyclePolicy } from '../lifecycle/lifecycle-policy.js'
import { assessTicketWork, type TicketWork } from '../lifecycle/ticket-work.js'
import type { DeliveryHalo } from './halo-commands.js'

/** Reads one ticket; a deleted ticket (404) is `undefined`, any other failure is thrown. */
export const readTicket = (halo: DeliveryHalo, ticketId: number) =>
  halo.getTicket(ticketId).catch((error: unknown) => {
    if (error instanceof HaloApiError && error.status === 404) return undefined
    throw error
  })

/**
 * The stored record brought up to date with the ticket as Halo showed it at `now`: closed (or
 * deleted, which is as good as closed) with the time Halo closed it, or confirmed open.
 */
export const withTicketSeen = (
  record: CorrelationRecord,
  ticket: HaloTicket | undefined,
  policy: LifecyclePolicy,
  now: Date,
): CorrelationRecord => {
  const at = now.toISOString()
  const closed =
    !ticket || ticket.hasbeenclosed === true || ticket.status_id === policy.closedStatusId
  if (!closed) return { ...record, checkedAt: at }
  // When Halo closed it, not when we noticed: the reopen window counts from the close.
  const closedInHalo = ticket?.dateclosed ? Date.parse(ticket.dateclosed) : Number.NaN
  const closedAt = closedInHalo <= now.getTime() ? new Date(closedInHalo).toISOString() : at
  return { ...record, state: 'closed', closedAt, checkedAt: at }
}

/**
 * For `resolve: close-if-untouched`: reads the open ticket and, while it is still open and no
 * other agent has it, its actions (at most two requests, both in the rate budget's read lane),
 * and says whether a person worked it.
 * The ticket read doubles as the recheck, so a ticket closed in Halo meanwhile is seen as closed.
 */
export const readTicketWork = async (
  record: CorrelationRecord & { ticketId: number },
  policy: LifecyclePolicy,
  halo: DeliveryHalo,
  now: Date,
): Promise<{ record: CorrelationRecord; work?: TicketWork }> => {
  const ticket = await readTicket(halo, record.ticketId)
  const seen = withTicketSeen(record, ticket, policy, now)
  if (!ticket || seen.state !== 'open') return { record: seen }
  // Taken by another agent shows on the ticket itself: its actions need not be read.
  const taken = assessTicketWork(ticket, [], record.agentId)
  if (taken.worked) return { record: seen, work: taken }
  const actions = await halo.listActions(record.ticketId, { excludeSystem: true })
  return { record: seen, work: assessTicketWork(ticket, actions, record.agentId) }
}
