import { signAwsSns } from './aws-sns.js'
import { signGitHub } from './github.js'
import { signGrafana } from './grafana.js'
import { signJira } from './jira.js'
import { signMicrosoftGraph } from './microsoft-graph.js'
import { signPagerDuty } from './pagerduty.js'
import { signSentry } from './sentry.js'
import type { Signer } from './signer.js'
import { signSlack } from './slack.js'
import { signStandardWebhooks } from './standard-webhooks.js'

/**
 * Signers for senders with a signature scheme of their own, by source id. Senders without one
 * are signed from the route's `auth` (route-auth-signer.ts).
 */
export const signers: Readonly<Record<string, Signer>> = {
  'microsoft-graph': signMicrosoftGraph,
  'aws-sns': signAwsSns,
  github: signGitHub,
  'standard-webhooks': signStandardWebhooks,
  slack: signSlack,
  sentry: signSentry,
  pagerduty: signPagerDuty,
  jira: signJira,
  grafana: signGrafana,
}
