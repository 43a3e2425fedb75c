import type { Alert } from '../alert.js'

/** The alert as the source knows it: its correlation key, labels and title. */
export type SourceAlert = Pick<Alert, 'key' | 'labels' | 'title'>

/** The Halo ticket that tracked the alert. */
export type TicketRef = { id: number; summary?: string | undefined; url?: string | undefined }

/** What happened to the ticket in Halo, the reason the source is told. */
export type TicketChange = {
  event: 'closed' | 'deleted' | 'merged'
  /**
   * Unique per change and the same on every retry (the envelope id of the Halo event): the
   * outbound call is recognised by it, so a retry never resolves, silences or notifies twice.
   */
  id: string
  /** When it happened (ISO 8601). */
  at: string
  /** Who made the change, when Halo said. */
  by?: string | undefined
}

/** What the source did: `reference` is its id for the thing resolved (incident, alert, silence). */
export type ResolveResult = {
  target: string
  reference: string
  outcome: 'resolved' | 'already resolved' | 'silenced' | 'notified'
}

/**
 * The outbound port: one adapter per source API. Resolves when the source has the change (or
 * already had it); throws `OutboundApiError` when its API failed, `SourceReferenceError` when the
 * alert carries nothing it could be found by, `ConfigError` for missing credentials.
 */
export interface SourceResolver {
  resolve(alert: SourceAlert, ticket: TicketRef, change: TicketChange): Promise<ResolveResult>
}

/** The sentence every source's record of the change carries, with our reference. */
export const changeSummary = (ticket: TicketRef, change: TicketChange) =>
  `Halo ticket #${ticket.id} was ${change.event}${change.by ? ` by ${change.by}` : ''} [halo-hooks ref ${change.id}]`
