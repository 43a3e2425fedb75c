import type { CorrelationStore } from '../lifecycle/correlation-store.js'
import type { Logger } from '../observability.js'

/** Where ingest asks which problem owns a Halo ticket: the correlation store, read only. */
export type TicketOwners = Pick<CorrelationStore, 'findByTicket'>

/**
 * Why a Halo ticket event is ignored at ingest: no problem owns its ticket. Undefined when one
 * does, or when the store could not be asked: then the event is queued as any other and deliver,
 * which checks again, decides. Never throws: a store that is down must not turn into a 5xx for
 * Halo, nor drop an event that may be about a ticket of ours.
 */
export const unownedTicketReason = async (
  ticketId: number,
  owners: TicketOwners,
  logger?: Pick<Logger, 'warn'>,
): Promise<string | undefined> => {
  try {
    const record = await owners.findByTicket(ticketId)
    return record ? undefined : `ticket ${ticketId} is not one halo-hooks opened; ignored`
  } catch (error) {
    logger?.warn('ticket owner unknown; the event is queued for deliver to decide', {
      ticketId,
      error,
    })
    return undefined
  }
}
