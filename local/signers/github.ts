import { randomUUID } from 'node:crypto'
import { hmac } from '../../shared/auth/safe-equal.js'
import type { Signer } from './signer.js'

/** The `X-GitHub-Event` a payload belongs to, guessed from the object it carries. */
const eventOf = (body: string): string => {
  let payload: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(body)
    if (parsed !== null && typeof parsed === 'object') payload = parsed as Record<string, unknown>
  } catch {
    // Not JSON: send it as an issues event and let ingest say what is wrong with it.
  }
  if ('zen' in payload) return 'ping'
  if ('workflow_run' in payload) return 'workflow_run'
  if ('issue' in payload) return 'issues'
  const alert = payload.alert as Record<string, unknown> | undefined
  if (alert && 'security_advisory' in alert) return 'dependabot_alert'
  if (alert && 'rule' in alert) return 'code_scanning_alert'
  return 'issues'
}

/** Signs like GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. */
export const signGitHub: Signer = ({ body, secret, url }) => ({
  url,
  headers: {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/halo-hooks-send',
    'x-github-event': eventOf(body),
    // GitHub gives every delivery a new GUID (a redelivery keeps it).
    'x-github-delivery': randomUUID(),
    'x-hub-signature-256': `sha256=${hmac('sha256', secret, body, 'hex')}`,
  },
})
