import * as z from '../../zod-mini.js'
import { lenient, lenientText } from '../lenient.js'

// Only the fields halo-hooks reads; objects are loose so custom fields and new ones pass through.
// Only what an alert's key, status and event type come from (the webhook event, the issue id, its
// status category and resolution, the changelog's fields) may refuse a payload; any other field
// of another type reads as absent.

const named = z.looseObject({ id: lenientText(), name: lenientText() })

/** The issue as Jira's REST API shows it, as far as halo-hooks reads it. */
export const JiraIssueSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  /** `PROJ-123`: changes when the issue moves to another project, so it is not the key. */
  key: lenientText(z.string().check(z.minLength(1))),
  self: lenientText(),
  fields: z.looseObject({
    summary: lenientText(),
    description: z.optional(z.unknown()),
    updated: lenient(z.string()),
    resolution: z.optional(z.unknown()),
    priority: lenient(named),
    issuetype: lenient(named),
    project: lenient(
      z.looseObject({
        id: lenientText(),
        key: lenientText(z.string().check(z.minLength(1))),
        name: lenientText(),
      }),
    ),
    status: z.nullish(
      z.looseObject({
        name: lenientText(),
        statusCategory: z.nullish(z.looseObject({ key: z.nullish(z.string()) })),
      }),
    ),
  }),
})

/** An admin (or REST-registered) Jira webhook about an issue. */
export const JiraIssueWebhookSchema = z.looseObject({
  webhookEvent: z.string().check(z.minLength(1)),
  timestamp: lenient(z.number()),
  issue: JiraIssueSchema,
  changelog: z.nullish(
    z.looseObject({ items: z.nullish(z.array(z.looseObject({ field: z.nullish(z.string()) }))) }),
  ),
})

/** Enough of any Jira webhook to route it. */
export const JiraAnyWebhookSchema = z.looseObject({
  webhookEvent: z.string().check(z.minLength(1)),
})

export type JiraIssue = z.infer<typeof JiraIssueSchema>
export type JiraIssueWebhook = z.infer<typeof JiraIssueWebhookSchema>
