import * as z from 'zod'

// Only the fields halo-hooks reads. Objects are loose: GitHub adds fields often, and a new field
// must never turn a delivery into a 422.

const id = z.union([z.number(), z.string()]).transform(String)

/** The repository every repository-scoped event carries. */
export const GitHubRepositorySchema = z.looseObject({
  id,
  full_name: z.string(),
  html_url: z.string().optional(),
  owner: z.looseObject({ id, login: z.string() }).optional(),
})

/** The organization, present when the repository belongs to one. */
export const GitHubOrganizationSchema = z.looseObject({ id, login: z.string() })

/** What every event we act on carries besides its own object. */
const base = {
  action: z.string().optional(),
  repository: GitHubRepositorySchema,
  organization: GitHubOrganizationSchema.optional(),
}

/** `X-GitHub-Event: issues`. */
export const GitHubIssuesEventSchema = z.looseObject({
  ...base,
  action: z.string(),
  issue: z.looseObject({
    id,
    number: z.number(),
    title: z.string(),
    body: z.string().nullish(),
    html_url: z.string(),
    state: z.string().optional(),
    updated_at: z.string().nullish(),
    labels: z.array(z.looseObject({ name: z.string() })).optional(),
  }),
})

/** `X-GitHub-Event: workflow_run`. */
export const GitHubWorkflowRunEventSchema = z.looseObject({
  ...base,
  action: z.string(),
  workflow: z.looseObject({ name: z.string().nullish(), path: z.string().nullish() }).nullish(),
  workflow_run: z.looseObject({
    id,
    name: z.string().nullish(),
    workflow_id: id,
    head_branch: z.string().nullish(),
    head_sha: z.string().optional(),
    status: z.string().nullish(),
    conclusion: z.string().nullish(),
    html_url: z.string(),
    run_number: z.number().optional(),
    run_attempt: z.number().optional(),
    event: z.string().optional(),
    updated_at: z.string().nullish(),
  }),
})

/** `X-GitHub-Event: dependabot_alert`. */
export const GitHubDependabotAlertEventSchema = z.looseObject({
  ...base,
  action: z.string(),
  alert: z.looseObject({
    number: z.number(),
    state: z.string().optional(),
    html_url: z.string(),
    updated_at: z.string().nullish(),
    dependency: z
      .looseObject({
        package: z.looseObject({ ecosystem: z.string(), name: z.string() }).optional(),
        manifest_path: z.string().optional(),
      })
      .optional(),
    security_advisory: z.looseObject({
      ghsa_id: z.string(),
      cve_id: z.string().nullish(),
      summary: z.string(),
      description: z.string().nullish(),
      severity: z.string(),
    }),
  }),
})

/** `X-GitHub-Event: code_scanning_alert`. */
export const GitHubCodeScanningAlertEventSchema = z.looseObject({
  ...base,
  action: z.string(),
  ref: z.string().nullish(),
  alert: z.looseObject({
    number: z.number(),
    html_url: z.string(),
    state: z.string().nullish(),
    created_at: z.string().nullish(),
    updated_at: z.string().nullish(),
    rule: z.looseObject({
      id: z.string().nullish(),
      severity: z.string().nullish(),
      security_severity_level: z.string().nullish(),
      description: z.string().nullish(),
      full_description: z.string().nullish(),
    }),
    tool: z.looseObject({ name: z.string().nullish() }).nullish(),
  }),
})

export type GitHubRepository = z.infer<typeof GitHubRepositorySchema>
export type GitHubIssuesEvent = z.infer<typeof GitHubIssuesEventSchema>
export type GitHubWorkflowRunEvent = z.infer<typeof GitHubWorkflowRunEventSchema>
export type GitHubDependabotAlertEvent = z.infer<typeof GitHubDependabotAlertEventSchema>
export type GitHubCodeScanningAlertEvent = z.infer<typeof GitHubCodeScanningAlertEventSchema>
