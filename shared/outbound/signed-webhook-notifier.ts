import { createHash } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { type OutboundHttp, sendOutbound } from './outbound-request.js'
import type { SourceResolver } from './source-resolver.js'

export type SignedWebhookNotifierOptions = OutboundHttp & {
  url: string
  /** Standard Webhooks secret, `whsec_<base64>`. */
  signingSecret: string
  /** The route the alert came in on, carried in the body. */
  route: string
}

/**
 * The message id of one change: the same on every retry, so the receiver can drop a repeat
 * (Standard Webhooks' `webhook-id`).
 */
export const notificationId = (route: string, key: string, changeId: string) =>
  `msg_${createHash('sha256').update(`${route}\u0000${key}\u0000${changeId}`).digest('hex').slice(0, 32)}`

/**
 * Posts `halo.ticket.<event>` to a configured URL, signed as Standard Webhooks specifies (with
 * the official library): the ticket, the alert's key and what happened. The receiver decides
 * what resolving means in its own product.
 */
export const createSignedWebhookNotifier = (
  options: SignedWebhookNotifierOptions,
): SourceResolver => {
  const signer = new Webhook(options.signingSecret)
  const now = options.now ?? Date.now
  return {
    async resolve(alert, ticket, change) {
      const id = notificationId(options.route, alert.key, change.id)
      const sentAt = new Date(Math.floor(now() / 1000) * 1000)
      const body = JSON.stringify({
        type: `halo.ticket.${change.event}`,
        timestamp: sentAt.toISOString(),
        data: {
          ticket: { id: ticket.id, summary: ticket.summary, url: ticket.url },
          alert: { route: options.route, key: alert.key, title: alert.title },
          change: { event: change.event, at: change.at, by: change.by, id: change.id },
        },
      })
      await sendOutbound(
        {
          target: 'webhook',
          endpoint: 'POST {url}',
          method: 'POST',
          url: options.url,
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(sentAt.getTime() / 1000),
            'webhook-signature': signer.sign(id, sentAt, body),
          },
          body,
        },
        options,
      )
      return { target: 'webhook', reference: id, outcome: 'notified' }
    },
  }
}
