import * as z from '../../zod-mini.js'
import { lenient, lenientList, lenientText } from '../lenient.js'

// Only the fields halo-hooks reads. Objects are loose: GitHub adds fields often, and a new field
// must never turn a delivery into a 422. Nor may a field of an unexpected type, unless an alert's
// key, status or event type comes from it (the action, the repository id, the issue or alert
// number, the workflow and branch, the conclusion): any other reads as absent.

const id = z.pipe(z.union([z.number(), z.string()]), z.transform(String))

/** An account (owner or organization): only ever a tenant hint. */
const AccountSchema = z.looseObject({ id: lenient(id), login: lenientText() })

/** The repository every repository-scoped event carries. */
export const GitHubRepositorySchema = z.looseObject({
  id,
  full_name: lenientText(),
  html_url: lenientText(),
  owner: lenient(AccountSchema),
})

/** What every event we act on carries besides its own object. */
const base = {
  action: z.optional(z.string()),
  repository: GitHubRepositorySchema,
  organization: lenient(AccountSchema),
}

/** `X-GitHub-Event: issues`. */
export const GitHubIssuesEventSchema = z.looseObject({
  ...base,
  action: z.string(),
  issue: z.looseObject({
    id: lenient(id),
    number: z.number(),
    title: lenientText(),
    body: lenientText(),
    html_url: lenientText(),
    state: lenientText(),
    updated_at: lenient(z.string()),
    labels: lenientList(z.looseObject({ name: z.string() })),
  }),
})

/** `X-GitHub-Event: workflow_run`. */
export const GitHubWorkflowRunEventSchema = z.looseObject({
  ...base,
  action: z.string(),
  workflow: lenient(z.looseObject({ name: lenientText(), path: lenientText() })),
  workflow_run: z.looseObject({
    id: lenient(id),
    name: lenientText(),
    workflow_id: id,
    head_branch: z.nullish(z.string()),
    head_sha: lenientText(),
    status: lenientText(),
    conclusion: z.nullish(z.string()),
    html_url: lenientText(),
    run_number: lenient(z.number()),
    run_attempt: lenient(z.number()),
    event: lenientText(),
    updated_at: lenient(z.string()),
  }),
})

/** `X-GitHub-Event: dependabot_alert`. */
export const GitHubDependabotAlertEventSchema = z.looseObject({
  ...base,
  action: z.string(),
  alert: z.looseObject({
    number: z.number(),
    state: lenientText(),
    html_url: lenientText(),
    updated_at: lenient(z.string()),
    dependency: lenient(
      z.looseObject({
        package: lenient(z.looseObject({ ecosystem: z.string(), name: z.string() })),
        manifest_path: lenientText(),
      }),
    ),
    security_advisory: lenient(
      z.looseObject({
        ghsa_id: lenientText(),
        cve_id: lenientText(),
        summary: lenientText(),
        description: lenientText(),
        severity: lenientText(),
      }),
    ),
  }),
})

/** `X-GitHub-Event: code_scanning_alert`. */
export const GitHubCodeScanningAlertEventSchema = z.looseObject({
  ...base,
  action: z.string(),
  ref: lenientText(),
  alert: z.looseObject({
    number: z.number(),
    html_url: lenientText(),
    state: lenientText(),
    created_at: lenient(z.string()),
    updated_at: lenient(z.string()),
    rule: lenient(
      z.looseObject({
        id: lenientText(),
        severity: lenientText(),
        security_severity_level: lenientText(),
        description: lenientText(),
        full_description: lenientText(),
      }),
    ),
    tool: lenient(z.looseObject({ name: lenientText() })),
  }),
})

export type GitHubRepository = z.infer<typeof GitHubRepositorySchema>
export type GitHubAccount = z.infer<typeof AccountSchema>
export type GitHubIssuesEvent = z.infer<typeof GitHubIssuesEventSchema>
export type GitHubWorkflowRunEvent = z.infer<typeof GitHubWorkflowRunEventSchema>
export type GitHubDependabotAlertEvent = z.infer<typeof GitHubDependabotAlertEventSchema>
export type GitHubCodeScanningAlertEvent = z.infer<typeof GitHubCodeScanningAlertEventSchema>
