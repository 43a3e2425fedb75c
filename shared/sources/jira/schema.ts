import * as z from 'zod'

// Only the fields halo-hooks reads; objects are loose so custom fields and new ones pass through.

const named = z.looseObject({ id: z.string().optional(), name: z.string().nullish() })

/** The issue as Jira's REST API shows it, as far as halo-hooks reads it. */
export const JiraIssueSchema = z.looseObject({
  id: z.string().min(1),
  key: z.string().min(1),
  self: z.string().nullish(),
  fields: z.looseObject({
    summary: z.string().nullish(),
    description: z.unknown().optional(),
    updated: z.string().nullish(),
    resolution: z.unknown().optional(),
    priority: named.nullish(),
    issuetype: named.nullish(),
    project: z
      .looseObject({ id: z.string().optional(), key: z.string(), name: z.string().nullish() })
      .nullish(),
    status: z
      .looseObject({
        name: z.string().nullish(),
        statusCategory: z.looseObject({ key: z.string().nullish() }).nullish(),
      })
      .nullish(),
  }),
})

/** An admin (or REST-registered) Jira webhook about an issue. */
export const JiraIssueWebhookSchema = z.looseObject({
  webhookEvent: z.string().min(1),
  timestamp: z.number().optional(),
  issue: JiraIssueSchema,
  changelog: z
    .looseObject({ items: z.array(z.looseObject({ field: z.string().nullish() })).nullish() })
    .nullish(),
})

/** Enough of any Jira webhook to route it. */
export const JiraAnyWebhookSchema = z.looseObject({ webhookEvent: z.string().min(1) })

export type JiraIssue = z.infer<typeof JiraIssueSchema>
export type JiraIssueWebhook = z.infer<typeof JiraIssueWebhookSchema>
