import { randomUUID } from 'node:crypto'
import {
  signingKey,
  signStandardWebhook,
} from '../../shared/sources/standard-webhooks/standard-webhooks-signature.js'
import type { StandardWebhooksOptions } from '../../shared/sources/standard-webhooks/standard-webhooks-source.js'
import type { Signer } from './signer.js'

/** Signs like a Standard Webhooks sender: `webhook-id`, `webhook-timestamp`, `webhook-signature`. */
export const signStandardWebhooks: Signer = ({ body, secret, url, now, options }) => {
  const { secretFormat = 'base64' } = (options ?? {}) as Partial<StandardWebhooksOptions>
  const id = `msg_${randomUUID().replaceAll('-', '')}`
  const timestamp = String(Math.floor(now.getTime() / 1000))
  return {
    url,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': timestamp,
      'webhook-signature': signStandardWebhook(
        signingKey(secret, secretFormat),
        id,
        timestamp,
        body,
      ),
    },
  }
}
