import * as z from '../../zod-mini.js'
import { lenient, lenientList, lenientText } from '../lenient.js'

// Only the fields halo-hooks reads; objects are loose so new Sentry fields pass through. Only what
// an alert's key, status and event type come from (the action, the issue, event or incident and
// rule ids) may refuse a payload: any other field of another type reads as absent.

const id = z.pipe(z.union([z.string(), z.number()]), z.transform(String))

const installation = lenient(z.looseObject({ uuid: z.string() }))

/** The project an issue belongs to. */
export const SentryProjectSchema = z.looseObject({
  id: lenient(id),
  slug: lenientText(),
  name: lenientText(),
})

/** `Sentry-Hook-Resource: issue` — an issue was created, resolved, archived, ... */
export const SentryIssueWebhookSchema = z.looseObject({
  action: z.string(),
  installation,
  data: z.looseObject({
    issue: z.looseObject({
      id,
      title: lenientText(),
      shortId: lenientText(),
      culprit: lenientText(),
      level: lenientText(),
      status: lenientText(),
      permalink: lenientText(),
      web_url: lenientText(),
      lastSeen: lenient(z.string()),
      firstSeen: lenient(z.string()),
      platform: lenientText(),
      project: lenient(SentryProjectSchema),
    }),
  }),
})

/** `Sentry-Hook-Resource: event_alert` — an issue alert rule fired for an event. */
export const SentryEventAlertWebhookSchema = z.looseObject({
  action: z.string(),
  installation,
  data: z.looseObject({
    triggered_rule: lenientText(),
    event: z.looseObject({
      issue_id: id,
      event_id: lenientText(),
      title: lenientText(),
      level: lenientText(),
      culprit: lenientText(),
      message: lenientText(),
      datetime: lenient(z.string()),
      platform: lenientText(),
      web_url: lenientText(),
      project: lenient(z.union([z.number(), z.string()])),
    }),
  }),
})

/** `Sentry-Hook-Resource: metric_alert` — a metric alert incident changed state. */
export const SentryMetricAlertWebhookSchema = z.looseObject({
  action: z.string(),
  installation,
  data: z.looseObject({
    description_title: lenientText(),
    description_text: lenientText(),
    web_url: lenientText(),
    metric_alert: z.looseObject({
      id,
      identifier: lenient(id),
      title: lenientText(),
      date_detected: lenient(z.string()),
      date_started: lenient(z.string()),
      date_closed: lenient(z.string()),
      projects: lenientList(z.string()),
      alert_rule: z.looseObject({ id, name: lenientText() }),
    }),
  }),
})

/** Enough of any body to tell its resource when the header is absent. */
export const SentryAnyWebhookSchema = z.looseObject({
  action: z.optional(z.string()),
  data: z.optional(z.looseObject({})),
})

export type SentryIssueWebhook = z.infer<typeof SentryIssueWebhookSchema>
export type SentryEventAlertWebhook = z.infer<typeof SentryEventAlertWebhookSchema>
export type SentryMetricAlertWebhook = z.infer<typeof SentryMetricAlertWebhookSchema>
