import * as z from '../../zod-mini.js'
import { lenient, lenientList, lenientText } from '../lenient.js'

// Only the fields halo-hooks reads; objects are loose so new PagerDuty fields pass through. Only
// the event type and the incident id may refuse a payload: anything else of another type reads as
// absent (PagerDuty drops a 4xx answer, and the incident with it).

const reference = z.looseObject({
  id: lenientText(),
  summary: lenientText(),
  html_url: lenientText(),
})

/** Any v3 webhook: one event, whose `data` depends on `resource_type`. */
export const PagerDutyWebhookSchema = z.looseObject({
  event: z.looseObject({
    /** The delivery id when `X-Webhook-Id` is absent; without either, the body's hash is. */
    id: lenientText(z.string().check(z.minLength(1))),
    event_type: z.string().check(z.minLength(1)),
    resource_type: lenientText(),
    occurred_at: lenient(z.string()),
    agent: lenient(reference),
    data: z.unknown(),
  }),
})

/** `data` of `incident.*` events. */
export const PagerDutyIncidentSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  number: lenient(z.number()),
  title: lenientText(),
  status: lenientText(),
  urgency: lenientText(),
  html_url: lenientText(),
  incident_key: lenientText(),
  priority: lenient(reference),
  service: lenient(reference),
  escalation_policy: lenient(reference),
  assignees: lenientList(reference),
  resolve_reason: z.optional(z.unknown()),
})

export type PagerDutyWebhook = z.infer<typeof PagerDutyWebhookSchema>
export type PagerDutyIncident = z.infer<typeof PagerDutyIncidentSchema>
