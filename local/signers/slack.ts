import { slackSignature } from '../../shared/sources/slack/slack-signature.js'
import type { Signer } from './signer.js'

/** Signs like Slack: `X-Slack-Request-Timestamp` and `X-Slack-Signature: v0=<hex>`. */
export const signSlack: Signer = ({ body, secret, url, now }) => {
  const timestamp = String(Math.floor(now.getTime() / 1000))
  return {
    url,
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
  }
}
