import { haloDateToIso } from '../../halo/halo-date.js'
import { EFFECT_REFERENCE_PREFIX } from '../../lifecycle/effect-reference.js'
import type { TicketEvent } from '../../ticket-event.js'
import { parseJsonBody } from '../parse-body.js'
import { validateOnFirstUse } from '../validate-on-first-use.js'
import type { SourceResult, WebhookSource } from '../webhook-source.js'
import type { HaloSourceOptions } from './halo-options.js'
import type { HaloTicketFields, HaloWebhook } from './schema.js'

/** A whole positive number, or undefined for a display value, a blank or anything else. */
const idOf = (value: unknown): number | undefined => {
  const id = typeof value === 'string' && /^\d{1,15}$/.test(value.trim()) ? Number(value) : value
  return typeof id === 'number' && Number.isSafeInteger(id) && id > 0 ? id : undefined
}

/** Halo's event name as it compares: lower case, single spaces ("Ticket Closed" → "ticket closed"). */
const eventName = (event: string | undefined) =>
  event?.trim().toLowerCase().replace(/\s+/g, ' ') || undefined

/** What an event's name says happened, for payloads that carry no status. */
const impliedBy = (name: string | undefined): TicketEvent['implies'] => {
  if (!name) return undefined
  if (name.includes('deleted')) return 'deleted'
  if (name.includes('merged')) return 'merged'
  if (name.includes('closed')) return 'closed'
  if (name.includes('reopened') || name.includes('new ticket')) return 'open'
  return undefined
}

/** The ticket wherever the payload type put it; a custom payload may put it at the top level. */
const ticketOf = (payload: HaloWebhook): HaloTicketFields =>
  payload.ticket ?? payload.object ?? payload.data ?? (payload as HaloTicketFields)

/** The event type of an envelope: `halo.ticket_closed`, `halo.ticket_status_changed`... */
const typeOf = (name: string | undefined) =>
  `halo.${(name ?? 'ticket_event').replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '') || 'ticket_event'}`

/**
 * Reads one delivery into the facts a ticket event carries, or the reason it carries none we
 * can use. Ids sent as display values are not guessed at: a ticket id must be a number, and a
 * status sent only by its name is kept as a name (delivery will not act on it alone).
 */
export const readHaloWebhook = (
  payload: HaloWebhook,
  now: Date,
): { event: TicketEvent } | { ignored: string } => {
  const name = eventName(payload.event)
  const ticket = ticketOf(payload)
  const nested = payload.ticket ?? payload.object ?? payload.data
  // `object_id` is the ticket only for ticket events; other objects (clients, assets) have ids too.
  const aboutTicket = nested != null || name === undefined || name.includes('ticket')
  const ticketId =
    idOf(nested?.id) ??
    idOf(ticket.ticket_id) ??
    (aboutTicket ? idOf(payload.object_id) : undefined)
  if (ticketId === undefined) {
    const sent = nested?.id ?? ticket.ticket_id ?? payload.object_id
    return {
      ignored:
        sent !== undefined && sent !== null && aboutTicket
          ? 'the ticket id is not a number (choose ids, not display values, in the Halo webhook)'
          : `not a ticket event (${name ?? 'no event name'})`,
    }
  }
  const rawStatus = ticket.status_id
  const statusId = idOf(rawStatus)
  const statusName =
    (typeof rawStatus === 'string' && statusId === undefined ? rawStatus : undefined) ??
    ticket.status_name ??
    ticket.status ??
    undefined
  const mergedInto = idOf(ticket.merged_into_id)
  const note = payload.action?.note
  const agentId =
    idOf(payload.action?.who_agentid) ??
    idOf(payload.action?.actionby_agent_id) ??
    idOf(ticket.closure_agent_id)
  const closedAt = haloDateToIso(ticket.dateclosed)
  const implies =
    ticket.deleted === true ? 'deleted' : mergedInto !== undefined ? 'merged' : impliedBy(name)
  return {
    event: {
      ticketId,
      ...(name ? { event: name.slice(0, 200) } : {}),
      ...(implies ? { implies } : {}),
      occurredAt: haloDateToIso(payload.timestamp) ?? now.toISOString(),
      ...(statusId !== undefined ? { statusId } : {}),
      ...(statusName ? { statusName: statusName.slice(0, 200) } : {}),
      ...(typeof ticket.hasbeenclosed === 'boolean' ? { hasBeenClosed: ticket.hasbeenclosed } : {}),
      ...(closedAt ? { closedAt } : {}),
      ...(mergedInto !== undefined ? { mergedInto } : {}),
      ...(agentId !== undefined ? { agentId } : {}),
      ...(note?.includes(EFFECT_REFERENCE_PREFIX) ? { ourReference: true } : {}),
    },
  }
}

/**
 * HaloPSA / HaloITSM outbound webhooks (Configuration › Integrations › Webhooks). Halo signs
 * nothing, so the route's `auth` (Basic, bearer or a header) is what proves a delivery came from
 * Halo. Each delivery is one event about one ticket, queued for delivery to apply to the stored
 * state of the problem that owns the ticket; deliveries about anything else are ignored (200).
 */
// Halo's payload schema (and zod) load with the first Halo webhook, not with every cold start of
// an ingest that also serves other senders.
const validateHaloWebhook = validateOnFirstUse(
  async () => (await import('./schema.js')).HaloWebhookSchema,
  'Halo webhook',
)

export const haloSource: WebhookSource<HaloSourceOptions> = {
  id: 'halo',
  description: "HaloPSA's own outbound webhooks: ticket closed, reopened, deleted, merged",
  needsRouteAuth: true,

  async normalize(request, { now }): Promise<SourceResult> {
    const payload = await validateHaloWebhook(parseJsonBody(request.body))
    const read = readHaloWebhook(payload, now)
    const type = typeOf(eventName(payload.event))
    if ('ignored' in read) return { kind: 'ignored', type, reason: read.ignored }
    const deliveryId = payload.id === undefined ? undefined : String(payload.id)
    return {
      kind: 'ticketEvent',
      type,
      ...(deliveryId ? { deliveryId } : {}),
      ticketEvent: read.event,
    }
  },
}
