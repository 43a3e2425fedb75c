import * as z from 'zod'

// Only the fields halo-hooks reads; everything else Slack sends passes through untouched.

/** Slack's handshake when a Request URL is saved. */
export const SlackUrlVerificationSchema = z.looseObject({
  type: z.literal('url_verification'),
  challenge: z.string().min(1).max(1000),
})

/** The inner event: a message, an app mention or a reaction. */
export const SlackMessageEventSchema = z.looseObject({
  type: z.string(),
  subtype: z.string().optional(),
  channel: z.string().optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  text: z.string().optional(),
  ts: z.string().optional(),
  thread_ts: z.string().optional(),
  event_ts: z.string().optional(),
  reaction: z.string().optional(),
  item: z
    .looseObject({ type: z.string(), channel: z.string().optional(), ts: z.string().optional() })
    .optional(),
})

/** The Events API envelope around one event. */
export const SlackEventCallbackSchema = z.looseObject({
  type: z.literal('event_callback'),
  team_id: z.string(),
  api_app_id: z.string().optional(),
  event_id: z.string().min(1),
  event_time: z.number().optional(),
  event: SlackMessageEventSchema,
})

/** Any Events API body: the discriminating `type` is all we need to route it. */
export const SlackEnvelopeSchema = z.looseObject({ type: z.string() })

export type SlackEventCallback = z.infer<typeof SlackEventCallbackSchema>
export type SlackMessageEvent = z.infer<typeof SlackMessageEventSchema>
