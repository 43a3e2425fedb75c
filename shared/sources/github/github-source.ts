import { type AlertInput, normalizeSeverity } from '../../alert.js'
import { PayloadError } from '../../errors.js'
import * as z from '../../zod-mini.js'
import { bodyText, parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { InboundRequest, SourceResult, WebhookSource } from '../webhook-source.js'
import { verifyHubSignature } from './hub-signature.js'
import {
  type GitHubAccount,
  GitHubCodeScanningAlertEventSchema,
  GitHubDependabotAlertEventSchema,
  GitHubIssuesEventSchema,
  type GitHubRepository,
  GitHubWorkflowRunEventSchema,
} from './schema.js'

const EVENTS = ['issues', 'workflow_run', 'dependabot_alert', 'code_scanning_alert'] as const

/** Per-route options of the `github` source. */
export const GitHubOptionsSchema = z.lazy(() =>
  z.strictObject({
    /** GitHub events (`X-GitHub-Event`) this route acts on; others are acknowledged and ignored. */
    events: z._default(z.array(z.enum(EVENTS)).check(z.minLength(1)), [...EVENTS]),
    /** `workflow_run` conclusions that raise an alert; a later `success` on the branch resolves it. */
    failureConclusions: z._default(
      z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
      ['failure', 'timed_out', 'startup_failure'],
    ),
  }),
)

export type GitHubOptions = z.infer<typeof GitHubOptionsSchema>

/** Lifecycle of each event's `action`: what opens a problem, what ends it; the rest is noise. */
const LIFECYCLE: Record<string, { firing: string[]; resolved: string[] }> = {
  issues: { firing: ['opened', 'reopened'], resolved: ['closed', 'deleted'] },
  dependabot_alert: {
    firing: ['created', 'reopened', 'reintroduced', 'auto_reopened'],
    resolved: ['dismissed', 'fixed', 'auto_dismissed'],
  },
  code_scanning_alert: {
    firing: ['created', 'reopened', 'reopened_by_user', 'appeared_in_branch'],
    resolved: ['fixed', 'closed_by_user'],
  },
}

const statusOf = (event: string, action: string): 'firing' | 'resolved' | undefined => {
  const lifecycle = LIFECYCLE[event]
  if (lifecycle?.firing.includes(action)) return 'firing'
  if (lifecycle?.resolved.includes(action)) return 'resolved'
  return undefined
}

/** `owner/name`, or the repository's id when GitHub's name for it is missing. */
const repositoryName = (repository: GitHubRepository) =>
  repository.full_name || `repository ${repository.id}`

/** The account that owns the repository is the best tenant hint GitHub gives. */
const common = (
  repository: GitHubRepository,
  organization: GitHubAccount | undefined,
  event: string,
  action: string,
): Partial<AlertInput> => {
  const owner = organization ?? repository.owner
  const name = repositoryName(repository)
  return {
    resource: name,
    ...(owner?.id || owner?.login
      ? {
          tenant: {
            ...(owner.id ? { id: owner.id } : {}),
            ...(owner.login ? { name: owner.login } : {}),
          },
        }
      : {}),
    labels: { event, action, repository: name },
  }
}

/** A lower-case `[a-z0-9_]` word, for event types built from what the sender says. */
const word = (value: string) =>
  value
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 64)

const ignored = (type: string, reason: string): SourceResult => ({ kind: 'ignored', type, reason })

/**
 * The event object. A hook set to `application/x-www-form-urlencoded` sends the same JSON in a
 * `payload` form field; the signature still covers the form body as sent, verified before this.
 */
const githubBody = (request: InboundRequest): unknown => {
  const contentType = request.headers['content-type']?.toLowerCase() ?? ''
  if (!contentType.startsWith('application/x-www-form-urlencoded')) {
    return parseJsonBody(request.body)
  }
  const payload = new URLSearchParams(bodyText(request.body)).get('payload')
  if (payload === null) {
    throw new PayloadError('body_invalid', 'form body has no "payload" field')
  }
  return parseJsonBody(Buffer.from(payload, 'utf8'))
}

/**
 * GitHub repository, organization and App webhooks. Verifies `X-Hub-Signature-256`
 * (HMAC-SHA256 of the raw body, tried with every secret of the route), dedupes on
 * `X-GitHub-Delivery`, answers `ping` with 200, and drafts alerts from issues, failed workflow
 * runs, Dependabot alerts and code scanning alerts.
 *
 * @see https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
export const githubSource: WebhookSource<GitHubOptions> = {
  id: 'github',
  description: 'GitHub webhooks: issues, failed workflow runs, Dependabot and code scanning alerts',
  needsRouteAuth: false,

  verify(request, { secrets }) {
    return verifyHubSignature(request, secrets, 'x-hub-signature-256')
  },

  async normalize(request, { options }) {
    // The header is not covered by the signature: keep it to the characters event names use.
    const event = word(request.headers['x-github-event'] ?? '')
    if (!event) {
      throw new PayloadError('payload_invalid', 'header x-github-event is missing')
    }
    const deliveryId = request.headers['x-github-delivery']?.trim() || undefined
    const body = githubBody(request)
    const action =
      typeof body === 'object' &&
      body !== null &&
      'action' in body &&
      typeof body.action === 'string'
        ? body.action
        : undefined
    const type = action ? `github.${event}.${word(action)}` : `github.${event}`

    if (event === 'ping') return ignored(type, 'ping: GitHub checks that the endpoint answers')
    if (!(options.events as readonly string[]).includes(event)) {
      return ignored(type, `the route does not act on GitHub "${event}" events`)
    }
    const delivered = (alert: Partial<AlertInput>, raw: unknown): SourceResult => ({
      kind: 'alerts',
      type,
      ...(deliveryId ? { deliveryId } : {}),
      alerts: [{ alert, raw }],
    })

    switch (event) {
      case 'issues': {
        const payload = validatePayload(GitHubIssuesEventSchema, body, 'GitHub issues event')
        const status = statusOf(event, payload.action)
        if (!status)
          return ignored(type, `issues.${payload.action} does not open or close an issue`)
        const { issue, repository } = payload
        const base = common(repository, payload.organization, event, payload.action)
        return delivered(
          {
            ...base,
            key: `github:issue:${repository.id}:${issue.number}`,
            status,
            severity: 'medium',
            title: `${repositoryName(repository)}#${issue.number}${issue.title ? `: ${issue.title}` : ''}`,
            description: issue.body ?? '',
            url: issue.html_url,
            ...(issue.updated_at ? { occurredAt: issue.updated_at } : {}),
            labels: {
              ...base.labels,
              ...(issue.labels?.length
                ? { issueLabels: issue.labels.map((label) => label.name).join(',') }
                : {}),
            },
          },
          payload,
        )
      }
      case 'workflow_run': {
        const payload = validatePayload(GitHubWorkflowRunEventSchema, body, 'GitHub workflow_run')
        const run = payload.workflow_run
        if (payload.action !== 'completed') {
          return ignored(type, `workflow_run.${payload.action}: only completed runs are acted on`)
        }
        const conclusion = run.conclusion ?? ''
        const status = options.failureConclusions.includes(conclusion)
          ? 'firing'
          : conclusion === 'success'
            ? 'resolved'
            : undefined
        if (!status) return ignored(type, `workflow_run concluded "${conclusion}"`)
        const { repository } = payload
        const workflow = payload.workflow?.name || run.name || `workflow ${run.workflow_id}`
        const branch = run.head_branch ?? '(no branch)'
        const runNumber = run.run_number ?? run.id
        const base = common(repository, payload.organization, event, payload.action)
        return delivered(
          {
            ...base,
            // Per workflow and branch, not per run: the next green run closes the red one.
            key: `github:workflow:${repository.id}:${run.workflow_id}:${branch}`,
            status,
            severity: status === 'firing' ? 'high' : 'info',
            title: `${repositoryName(repository)}: workflow "${workflow}" ${conclusion} on ${branch}`,
            description: [
              `Run${runNumber === undefined ? '' : ` #${runNumber}`}${run.run_attempt ? ` (attempt ${run.run_attempt})` : ''}`,
              `concluded ${conclusion}`,
              run.head_sha ? `at ${run.head_sha}` : '',
              run.event ? `(triggered by ${run.event})` : '',
            ]
              .filter(Boolean)
              .join(' '),
            url: run.html_url,
            ...(run.updated_at ? { occurredAt: run.updated_at } : {}),
            labels: { ...base.labels, workflow, branch, conclusion },
          },
          payload,
        )
      }
      case 'dependabot_alert': {
        const payload = validatePayload(GitHubDependabotAlertEventSchema, body, 'Dependabot alert')
        const status = statusOf(event, payload.action)
        if (!status)
          return ignored(type, `dependabot_alert.${payload.action} is not a lifecycle change`)
        const { alert, repository } = payload
        const advisory = alert.security_advisory
        const pkg = alert.dependency?.package
        const base = common(repository, payload.organization, event, payload.action)
        return delivered(
          {
            ...base,
            key: `github:dependabot:${repository.id}:${alert.number}`,
            status,
            severity: normalizeSeverity(advisory?.severity),
            title: `${repositoryName(repository)}: ${advisory?.summary || `Dependabot alert #${alert.number}`}${pkg ? ` (${pkg.ecosystem} ${pkg.name})` : ''}`,
            description: advisory?.description ?? '',
            url: alert.html_url,
            ...(alert.updated_at ? { occurredAt: alert.updated_at } : {}),
            labels: {
              ...base.labels,
              ...(advisory?.ghsa_id ? { advisory: advisory.ghsa_id } : {}),
              ...(advisory?.cve_id ? { cve: advisory.cve_id } : {}),
              ...(pkg ? { package: `${pkg.ecosystem}:${pkg.name}` } : {}),
            },
          },
          payload,
        )
      }
      case 'code_scanning_alert': {
        const payload = validatePayload(GitHubCodeScanningAlertEventSchema, body, 'code scanning')
        const status = statusOf(event, payload.action)
        if (!status)
          return ignored(type, `code_scanning_alert.${payload.action} is not a lifecycle change`)
        const { alert, repository } = payload
        const base = common(repository, payload.organization, event, payload.action)
        const rule = alert.rule?.description || alert.rule?.id || 'code scanning rule'
        return delivered(
          {
            ...base,
            key: `github:code-scanning:${repository.id}:${alert.number}`,
            status,
            // The security level (critical..low) is sharper than the rule level (error/warning/note).
            severity: normalizeSeverity(
              alert.rule?.security_severity_level ?? alert.rule?.severity,
            ),
            title: `${repositoryName(repository)}: ${rule}`,
            description: alert.rule?.full_description ?? '',
            url: alert.html_url,
            occurredAt: alert.updated_at ?? alert.created_at ?? undefined,
            labels: {
              ...base.labels,
              ...(alert.rule?.id ? { rule: alert.rule.id } : {}),
              ...(alert.tool?.name ? { tool: alert.tool.name } : {}),
              ...(payload.ref ? { ref: payload.ref } : {}),
            },
          },
          payload,
        )
      }
      default:
        return ignored(type, `GitHub "${event}" events are not understood`)
    }
  },
}
