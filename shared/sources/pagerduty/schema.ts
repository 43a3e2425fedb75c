import * as z from 'zod'

// Only the fields halo-hooks reads; objects are loose so new PagerDuty fields pass through.

const reference = z.looseObject({
  id: z.string().optional(),
  summary: z.string().nullish(),
  html_url: z.string().nullish(),
})

/** Any v3 webhook: one event, whose `data` depends on `resource_type`. */
export const PagerDutyWebhookSchema = z.looseObject({
  event: z.looseObject({
    id: z.string().min(1),
    event_type: z.string().min(1),
    resource_type: z.string().optional(),
    occurred_at: z.string().nullish(),
    agent: reference.nullish(),
    data: z.unknown(),
  }),
})

/** `data` of `incident.*` events. */
export const PagerDutyIncidentSchema = z.looseObject({
  id: z.string().min(1),
  number: z.number().nullish(),
  title: z.string().nullish(),
  status: z.string().nullish(),
  urgency: z.string().nullish(),
  html_url: z.string().nullish(),
  incident_key: z.string().nullish(),
  priority: reference.nullish(),
  service: reference.nullish(),
  escalation_policy: reference.nullish(),
  assignees: z.array(reference).nullish(),
  resolve_reason: z.unknown().optional(),
})

export type PagerDutyWebhook = z.infer<typeof PagerDutyWebhookSchema>
export type PagerDutyIncident = z.infer<typeof PagerDutyIncidentSchema>
