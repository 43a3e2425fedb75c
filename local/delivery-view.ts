import * as z from 'zod'
import {
  DELIVERY_RECORD_OUTCOMES,
  type DeliveryFilter,
  type DeliveryRecord,
  type DeliveryRecordOutcome,
} from '../shared/delivery/delivery-history.js'
import { describeIssues } from '../shared/describe-issues.js'

/** What each outcome means, as the deliveries page explains it (the type keeps it complete). */
export const OUTCOME_MEANING: Record<DeliveryRecordOutcome, string> = {
  delivered: 'Halo was changed: a ticket created, noted, closed or reopened',
  deduplicated: 'already applied before: a redelivery that changed nothing',
  suppressed: 'a noise rule decided (a maintenance window, too few occurrences yet)',
  recorded: 'counted in the stored state; nothing sent to Halo (a repeat within the note interval)',
  deferred:
    'a transient failure (Halo down, 429, the budget used up): tried again at the next attempt',
  held: 'waiting behind an earlier message of the same alert, which failed',
  parked: 'a permanent failure: in the dead-letter queue with the reason until it is replayed',
  failed: 'could not be parked (the dead-letter queue refused it): the queue retries it',
}

/** Rows shown when the query names no limit, and the most it may ask for. */
export const DEFAULT_LIMIT = 200
export const MAX_LIMIT = 1_000

// A form's "all" option submits an empty value: the same as leaving the filter out.
const blankAsAbsent = (value: unknown) => (value === '' ? undefined : value)

/** The filters of the page and of both JSON commands, as a query string carries them. */
export const DeliveryQuerySchema = z.object({
  route: z.preprocess(blankAsAbsent, z.string().max(128).optional()),
  outcome: z.preprocess(blankAsAbsent, z.enum(DELIVERY_RECORD_OUTCOMES).optional()),
  limit: z.preprocess(
    blankAsAbsent,
    z.coerce.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  ),
})

export type DeliveryQuery = DeliveryFilter & { limit: number }

/** Reads the filters, or says which one is wrong (`outcome: Invalid option: expected one of …`). */
export const parseDeliveryQuery = (
  query: Record<string, string | undefined>,
): { ok: true; query: DeliveryQuery } | { ok: false; issues: string[] } => {
  const result = DeliveryQuerySchema.safeParse(query)
  if (!result.success) return { ok: false, issues: describeIssues(result.error) }
  const { route, outcome, limit } = result.data
  return {
    ok: true,
    query: { ...(route ? { route } : {}), ...(outcome ? { outcome } : {}), limit },
  }
}

/** `query` as a query string (with a leading `?`, or empty), plus `extra` parameters. */
export const searchOf = (query: Partial<DeliveryQuery>, extra: Record<string, string> = {}) => {
  const params = new URLSearchParams()
  if (query.route) params.set('route', query.route)
  if (query.outcome) params.set('outcome', query.outcome)
  if (query.limit !== undefined && query.limit !== DEFAULT_LIMIT) {
    params.set('limit', String(query.limit))
  }
  for (const [name, value] of Object.entries(extra)) params.set(name, value)
  const search = params.toString()
  return search ? `?${search}` : ''
}

/** One envelope's latest outcome as the page and the JSON show it. Never a payload value. */
export type DeliveryView = Omit<DeliveryRecord, 'at'> & {
  /** When this outcome happened; absent for a parked envelope the history no longer holds. */
  at?: string | undefined
  /** The ticket's page: the sandbox's board locally, the Halo instance's ticket page otherwise. */
  ticketUrl?: string
  /** POST here to replay it: only while it is parked in the local dead-letter list. */
  replayUrl?: string
  /** Replayed and back in the queue: the outcome shown is the one before the replay. */
  requeued?: boolean
}

/** The JSON `/deliveries.json` answers and `npm run deliveries` prints. */
export type DeliveriesJson = { deliveries: DeliveryView[] }

/** A real Halo instance's page for a ticket (`https://acme.halopsa.com/ticket?id=123`). */
export const haloTicketUrl = (haloUrl: string) => {
  const root = haloUrl.replace(/\/+$/, '')
  return (ticketId: number) => `${root}/ticket?id=${ticketId}`
}

/** A record as the JSON shows it, with a link to its ticket when it has one. */
export const deliveryView = (
  record: DeliveryRecord,
  ticketUrl?: (ticketId: number) => string,
): DeliveryView =>
  record.ticketId !== undefined && ticketUrl
    ? { ...record, ticketUrl: ticketUrl(record.ticketId) }
    : { ...record }
