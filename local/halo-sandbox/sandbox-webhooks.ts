import { randomUUID } from 'node:crypto'
import type { SandboxTicketChange } from './sandbox-store.js'
import type { SandboxRecord } from './seed.js'

/** Halo's webhook payload options (Configuration › Integrations › Webhooks › Payload). */
export const SANDBOX_WEBHOOK_PAYLOADS = ['key-fields', 'full', 'event-only'] as const

/** Event names as Halo sends them: lower case, whatever the UI shows. */
export const SANDBOX_WEBHOOK_EVENTS = [
  'ticket status changed',
  'ticket closed',
  'ticket deleted',
] as const

export type SandboxWebhookEvent = (typeof SANDBOX_WEBHOOK_EVENTS)[number]

/** One outbound webhook, as configured in Halo. */
export type SandboxWebhook = {
  url: string
  /** Basic authentication, as Halo's webhook form offers it. */
  username: string
  password: string
  /** @default 'key-fields' */
  payload?: (typeof SANDBOX_WEBHOOK_PAYLOADS)[number]
  /** The events it is subscribed to. @default all of SANDBOX_WEBHOOK_EVENTS */
  events?: readonly SandboxWebhookEvent[]
}

/** One delivery the sandbox sent, and what the receiver answered (or why it got no answer). */
export type SandboxWebhookDelivery = {
  event: SandboxWebhookEvent
  ticketId: number
  status?: number
  error?: string
}

/** .NET's seven fractional digits, as Halo's `timestamp` has them. */
const dotNetTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z')

/** The ticket fields of the "small object with key fields only" payload. */
const keyFields = (ticket: SandboxRecord) => ({
  id: ticket.id,
  summary: ticket.summary,
  status_id: ticket.status_id,
  tickettype_id: ticket.tickettype_id,
  client_id: ticket.client_id,
  team_id: ticket.team_id ?? null,
  agent_id: ticket.agent_id,
  customfields: ticket.customfields ?? [],
  hasbeenclosed: ticket.hasbeenclosed,
})

/** The events one change is announced as. */
const eventsOf = (change: SandboxTicketChange): SandboxWebhookEvent[] => {
  if (change.kind === 'deleted') return ['ticket deleted']
  const closing = change.ticket.hasbeenclosed === true
  return closing ? ['ticket status changed', 'ticket closed'] : ['ticket status changed']
}

/**
 * The sandbox's outbound webhooks: for every status change and deletion, a POST per subscribed
 * event with Halo's common header (delivery id, webhook id, event name, object id, timestamp) and
 * the payload option chosen, authenticated with Basic. Sent after the change is saved and never
 * awaited by the API request that made it, as Halo sends them from its notification queue.
 */
export const createSandboxWebhooks = ({
  now,
  fetch = globalThis.fetch,
}: {
  now: () => number
  fetch?: typeof globalThis.fetch
}) => {
  let webhook: SandboxWebhook | undefined
  const webhookId = randomUUID()
  const inFlight = new Set<Promise<void>>()
  const deliveries: SandboxWebhookDelivery[] = []

  const bodyOf = (event: SandboxWebhookEvent, change: SandboxTicketChange, payload: string) => {
    const { ticket } = change
    const header = {
      id: randomUUID(),
      webhook_id: webhookId,
      notification_id: SANDBOX_WEBHOOK_EVENTS.indexOf(event) + 41,
      escmsg_id: randomUUID(),
      event,
      message: `Ticket ${ticket.id}: ${event}`,
      object_id: ticket.id,
      agent_id: ticket.agent_id ?? null,
      timestamp: dotNetTime(now()),
    }
    if (payload === 'event-only' || change.kind === 'deleted') return header
    if (payload === 'key-fields') return { ...header, ticket: keyFields(ticket) }
    return { ...header, ticket, ...(change.action ? { action: change.action } : {}) }
  }

  const send = async (
    event: SandboxWebhookEvent,
    change: SandboxTicketChange,
    to: SandboxWebhook,
  ) => {
    const delivery: SandboxWebhookDelivery = { event, ticketId: Number(change.ticket.id) }
    deliveries.push(delivery)
    try {
      const response = await fetch(to.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${to.username}:${to.password}`).toString('base64')}`,
        },
        body: JSON.stringify(bodyOf(event, change, to.payload ?? 'key-fields')),
        signal: AbortSignal.timeout(10_000),
      })
      delivery.status = response.status
      await response.body?.cancel()
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error)
    }
  }

  return {
    /** Sets (or with `undefined`, removes) the webhook. */
    configure(next: SandboxWebhook | undefined) {
      webhook = next
    },
    configured: () => webhook && { ...webhook, password: '(set)' },
    /** Sends what `change` is announced as, to the webhook if one is configured. */
    announce(change: SandboxTicketChange) {
      const to = webhook
      if (!to) return
      const subscribed = to.events ?? SANDBOX_WEBHOOK_EVENTS
      for (const event of eventsOf(change).filter((name) => subscribed.includes(name))) {
        const sending = send(event, change, to)
        inFlight.add(sending)
        void sending.finally(() => inFlight.delete(sending))
      }
    },
    /** Resolves once every delivery sent so far has been answered (or has failed). */
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight])
    },
    /** Deliveries sent so far, oldest first. */
    deliveries: () => structuredClone(deliveries),
    reset() {
      deliveries.length = 0
    },
  }
}

export type SandboxWebhooks = ReturnType<typeof createSandboxWebhooks>
