import { Webhook } from 'standardwebhooks'

/** One notification the receiver verified: what halo-hooks said happened to which alert. */
export type SourceReceipt = {
  /** `webhook-id`: the same on every retry of one change. */
  webhookId: string
  /** `halo.ticket.closed`, `.deleted` or `.merged`. */
  type: string
  ticketId: number | undefined
  route: string | undefined
  alertKey: string | undefined
  by: string | undefined
  /** When it first arrived (ISO 8601). */
  receivedAt: string
  /** Deliveries of the same `webhook-id` after the first (kept once, as the spec asks). */
  repeats: number
}

/** The Standard Webhooks headers a delivery carries. */
export type StandardWebhookHeaders = {
  'webhook-id': string
  'webhook-timestamp': string
  'webhook-signature': string
}

type Notification = {
  type?: unknown
  data?: {
    ticket?: { id?: unknown }
    alert?: { route?: unknown; key?: unknown }
    change?: { by?: unknown }
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined)

/**
 * The source of the alerts, as far as the local demo needs one: a Standard Webhooks receiver
 * that verifies each of halo-hooks' `resolveAtSource` notifications with the official library
 * and keeps each message once by `webhook-id`. Refuses everything until it has a secret.
 */
export const createSourceReceiver = ({ now }: { now: () => number }) => {
  let verifier: Webhook | undefined
  const receipts = new Map<string, SourceReceipt>()
  let rejected = 0

  return {
    /** Sets the shared secret (`whsec_…`), or with `undefined` stops accepting anything. */
    configure(signingSecret: string | undefined) {
      verifier = signingSecret ? new Webhook(signingSecret) : undefined
    },
    configured: () => verifier !== undefined,
    /**
     * Verifies one delivery over its raw body: 204 once it is kept (a repeat too), 401 when the
     * signature does not verify or no secret is set.
     */
    receive(body: string, headers: StandardWebhookHeaders): 204 | 401 {
      let notification: Notification
      try {
        if (!verifier) throw new Error('no secret')
        notification = verifier.verify(body, headers) as Notification
      } catch {
        rejected += 1
        return 401
      }
      const id = headers['webhook-id']
      const kept = receipts.get(id)
      if (kept) {
        kept.repeats += 1
        return 204
      }
      const ticketId = notification.data?.ticket?.id
      receipts.set(id, {
        webhookId: id,
        type: text(notification.type) ?? '',
        ticketId: typeof ticketId === 'number' ? ticketId : undefined,
        route: text(notification.data?.alert?.route),
        alertKey: text(notification.data?.alert?.key),
        by: text(notification.data?.change?.by),
        receivedAt: new Date(now()).toISOString(),
        repeats: 0,
      })
      return 204
    },
    /** What it kept, oldest first, and how many deliveries it refused. */
    received: () => ({ receipts: structuredClone([...receipts.values()]), rejected }),
    reset() {
      receipts.clear()
      rejected = 0
    },
  }
}

export type SourceReceiver = ReturnType<typeof createSourceReceiver>
