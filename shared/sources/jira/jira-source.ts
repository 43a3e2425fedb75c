import { type Alert, normalizeSeverity } from '../../alert.js'
import * as z from '../../zod-mini.js'
import { verifyHubSignature } from '../github/hub-signature.js'
import { parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { SourceResult, WebhookSource } from '../webhook-source.js'
import { JiraAnyWebhookSchema, type JiraIssue, JiraIssueWebhookSchema } from './schema.js'

/** Per-route options of the `jira` source. */
export const JiraOptionsSchema = z.lazy(() =>
  z.strictObject({
    /** Project keys whose issues become alerts. @default every project the webhook covers */
    projects: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
    /** Issue type names (`Bug`, `Incident`, ...) that become alerts. @default every type */
    issueTypes: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
  }),
)

export type JiraOptions = z.infer<typeof JiraOptionsSchema>

/** Jira's own priority names that the shared severity words do not cover. */
const PRIORITY: Record<string, Alert['severity']> = {
  highest: 'critical',
  blocker: 'critical',
  lowest: 'info',
  trivial: 'info',
}

const severityOf = (priority: string | null | undefined) =>
  PRIORITY[(priority ?? '').trim().toLowerCase()] ?? normalizeSeverity(priority)

/** Done is a status category, whatever the workflow calls the status itself. */
const isDone = (issue: JiraIssue) =>
  issue.fields.status?.statusCategory?.key === 'done' ||
  (issue.fields.resolution !== undefined && issue.fields.resolution !== null)

/** The issue's page: the REST `self` URL up to `/rest/api/`, then `/browse/<key>`. */
const browseUrl = (issue: JiraIssue) => {
  const at = issue.self?.indexOf('/rest/api/') ?? -1
  return issue.self && issue.key && at > 0
    ? `${issue.self.slice(0, at)}/browse/${issue.key}`
    : undefined
}

/** Jira sends milliseconds since the epoch; out-of-range numbers leave the default. */
const instant = (millis: number | undefined) => {
  const date = new Date(millis ?? Number.NaN)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

const text = (value: unknown) => (typeof value === 'string' ? value : '')

const word = (value: string) =>
  value
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 64)

/**
 * Jira Cloud/Data Center webhooks registered by an admin with a secret: verifies
 * `X-Hub-Signature` (`sha256=` + hex HMAC-SHA256 of the raw body), dedupes on
 * `X-Atlassian-Webhook-Identifier`, and follows an issue from creation to a Done status under one
 * key (the issue id).
 *
 * @see https://developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks
 */
export const jiraSource: WebhookSource<JiraOptions> = {
  id: 'jira',
  description: 'Jira admin webhooks (with secret): issues from creation to Done',
  needsRouteAuth: false,

  verify(request, { secrets }) {
    return verifyHubSignature(request, secrets, 'x-hub-signature')
  },

  async normalize(request, { options }): Promise<SourceResult> {
    const body = parseJsonBody(request.body)
    const { webhookEvent } = validatePayload(JiraAnyWebhookSchema, body, 'Jira webhook')
    const type = `jira.${word(webhookEvent.replace(/^jira:/, ''))}`
    const ignored = (reason: string): SourceResult => ({ kind: 'ignored', type, reason })
    if (
      !['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted'].includes(webhookEvent)
    ) {
      return ignored(`Jira "${webhookEvent}" webhooks do not open or close issues`)
    }
    const payload = validatePayload(JiraIssueWebhookSchema, body, 'Jira issue webhook')
    const { issue } = payload
    const project = issue.fields.project
    if (options.projects && !options.projects.includes(project?.key ?? '')) {
      return ignored(`project ${project?.key ?? '(none)'} is not one of the route`)
    }
    const issueType = issue.fields.issuetype?.name ?? undefined
    if (options.issueTypes && !options.issueTypes.includes(issueType ?? '')) {
      return ignored(`issue type ${issueType ?? '(none)'} is not one of the route`)
    }

    let status: 'firing' | 'resolved'
    if (webhookEvent === 'jira:issue_deleted') status = 'resolved'
    else if (webhookEvent === 'jira:issue_created') status = isDone(issue) ? 'resolved' : 'firing'
    else {
      // Edits, comments and reassignments also arrive as issue_updated; only a workflow move
      // (status or resolution) changes whether the problem is open.
      const moved = (payload.changelog?.items ?? []).some(
        (item) => item.field === 'status' || item.field === 'resolution',
      )
      if (!moved) return ignored('the update does not change the issue status')
      status = isDone(issue) ? 'resolved' : 'firing'
    }

    const url = browseUrl(issue)
    const projectKey = project?.key
    const occurredAt = instant(payload.timestamp) ?? issue.fields.updated ?? undefined
    const deliveryId = request.headers['x-atlassian-webhook-identifier']?.trim() || undefined
    return {
      kind: 'alerts',
      type,
      ...(deliveryId ? { deliveryId } : {}),
      alerts: [
        {
          alert: {
            // The id survives a move to another project, which changes the issue key.
            key: `jira:issue:${issue.id}`,
            status,
            severity: severityOf(issue.fields.priority?.name),
            title: `${issue.key ?? `Issue ${issue.id}`}: ${issue.fields.summary ?? '(no summary)'}`,
            // Jira Cloud's v3 API sends rich-text (ADF) objects; only plain text is copied.
            description: text(issue.fields.description),
            ...(url ? { url } : {}),
            ...(occurredAt ? { occurredAt } : {}),
            ...(projectKey ? { resource: projectKey } : {}),
            ...(projectKey
              ? { tenant: { id: projectKey, ...(project?.name ? { name: project.name } : {}) } }
              : {}),
            labels: {
              event: webhookEvent,
              ...(issue.key ? { issueKey: issue.key } : {}),
              ...(projectKey ? { project: projectKey } : {}),
              ...(issueType ? { issueType } : {}),
              ...(issue.fields.status?.name ? { jiraStatus: issue.fields.status.name } : {}),
              ...(issue.fields.priority?.name ? { priority: issue.fields.priority.name } : {}),
            },
          },
          raw: payload,
        },
      ],
    }
  },
}
