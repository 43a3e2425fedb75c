import { randomUUID } from 'node:crypto'
import { hmac } from '../../shared/auth/safe-equal.js'
import type { Signer } from './signer.js'

/** Signs like a Jira admin webhook with a secret: `X-Hub-Signature: sha256=<hex>`. */
export const signJira: Signer = ({ body, secret, url }) => ({
  url,
  headers: {
    'content-type': 'application/json',
    'x-atlassian-webhook-identifier': randomUUID(),
    'x-atlassian-webhook-flow': 'Primary',
    'x-hub-signature': `sha256=${hmac('sha256', secret, body, 'hex')}`,
  },
})
