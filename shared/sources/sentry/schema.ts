import * as z from 'zod'

// Only the fields halo-hooks reads; objects are loose so new Sentry fields pass through.

const id = z.union([z.string(), z.number()]).transform(String)

const installation = z.looseObject({ uuid: z.string() }).nullish()

/** The project an issue belongs to. */
export const SentryProjectSchema = z.looseObject({
  id: id.optional(),
  slug: z.string().optional(),
  name: z.string().optional(),
})

/** `Sentry-Hook-Resource: issue` — an issue was created, resolved, archived, ... */
export const SentryIssueWebhookSchema = z.looseObject({
  action: z.string(),
  installation,
  data: z.looseObject({
    issue: z.looseObject({
      id,
      title: z.string(),
      shortId: z.string().nullish(),
      culprit: z.string().nullish(),
      level: z.string().nullish(),
      status: z.string().nullish(),
      permalink: z.string().nullish(),
      web_url: z.string().nullish(),
      lastSeen: z.string().nullish(),
      firstSeen: z.string().nullish(),
      platform: z.string().nullish(),
      project: SentryProjectSchema.nullish(),
    }),
  }),
})

/** `Sentry-Hook-Resource: event_alert` — an issue alert rule fired for an event. */
export const SentryEventAlertWebhookSchema = z.looseObject({
  action: z.string(),
  installation,
  data: z.looseObject({
    triggered_rule: z.string().nullish(),
    event: z.looseObject({
      issue_id: id,
      event_id: z.string().nullish(),
      title: z.string(),
      level: z.string().nullish(),
      culprit: z.string().nullish(),
      message: z.string().nullish(),
      datetime: z.string().nullish(),
      platform: z.string().nullish(),
      web_url: z.string().nullish(),
      project: z.union([z.number(), z.string()]).nullish(),
    }),
  }),
})

/** `Sentry-Hook-Resource: metric_alert` — a metric alert incident changed state. */
export const SentryMetricAlertWebhookSchema = z.looseObject({
  action: z.string(),
  installation,
  data: z.looseObject({
    description_title: z.string().nullish(),
    description_text: z.string().nullish(),
    web_url: z.string().nullish(),
    metric_alert: z.looseObject({
      id,
      identifier: id.nullish(),
      title: z.string().nullish(),
      date_detected: z.string().nullish(),
      date_started: z.string().nullish(),
      date_closed: z.string().nullish(),
      projects: z.array(z.string()).nullish(),
      alert_rule: z.looseObject({ id, name: z.string() }),
    }),
  }),
})

/** Enough of any body to tell its resource when the header is absent. */
export const SentryAnyWebhookSchema = z.looseObject({
  action: z.string().optional(),
  data: z.looseObject({}).optional(),
})

export type SentryIssueWebhook = z.infer<typeof SentryIssueWebhookSchema>
export type SentryEventAlertWebhook = z.infer<typeof SentryEventAlertWebhookSchema>
export type SentryMetricAlertWebhook = z.infer<typeof SentryMetricAlertWebhookSchema>
