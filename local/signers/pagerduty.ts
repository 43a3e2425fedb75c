import { randomUUID } from 'node:crypto'
import { hmac } from '../../shared/auth/safe-equal.js'
import type { Signer } from './signer.js'

/** Signs like a PagerDuty v3 subscription: `X-PagerDuty-Signature: v1=<hex HMAC-SHA256>`. */
export const signPagerDuty: Signer = ({ body, secret, url }) => ({
  url,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'PagerDuty-Webhook/V3.0',
    'x-webhook-id': randomUUID(),
    'x-pagerduty-signature': `v1=${hmac('sha256', secret, body, 'hex')}`,
  },
})
