import * as z from '../../zod-mini.js'
import { lenient, lenientText } from '../lenient.js'

// Only the fields halo-hooks reads; everything else Slack sends passes through untouched. Only
// what an alert's key, status and event type come from (team, channel, thread, the event's type,
// subtype, bot and reaction) and the handshake's challenge may refuse a payload: any other field
// of another type reads as absent.

/** Slack's handshake when a Request URL is saved. */
export const SlackUrlVerificationSchema = z.looseObject({
  type: z.literal('url_verification'),
  challenge: z.string().check(z.minLength(1), z.maxLength(1000)),
})

/** The inner event: a message, an app mention or a reaction. */
export const SlackMessageEventSchema = z.looseObject({
  type: z.string(),
  subtype: z.optional(z.string()),
  channel: z.optional(z.string()),
  user: lenientText(),
  bot_id: z.optional(z.string()),
  text: lenientText(),
  ts: z.optional(z.string()),
  thread_ts: z.optional(z.string()),
  event_ts: lenientText(),
  reaction: z.optional(z.string()),
  item: z.optional(
    z.looseObject({
      type: z.string(),
      channel: z.optional(z.string()),
      ts: z.optional(z.string()),
    }),
  ),
})

/** The Events API envelope around one event. */
export const SlackEventCallbackSchema = z.looseObject({
  type: z.literal('event_callback'),
  team_id: z.string(),
  api_app_id: lenientText(),
  /** The delivery id (Slack repeats it on retries); without it, the body's hash is. */
  event_id: lenientText(z.string().check(z.minLength(1))),
  event_time: lenient(z.number()),
  event: SlackMessageEventSchema,
})

/** Any Events API body: the discriminating `type` is all we need to route it. */
export const SlackEnvelopeSchema = z.looseObject({ type: z.string() })

export type SlackEventCallback = z.infer<typeof SlackEventCallbackSchema>
export type SlackMessageEvent = z.infer<typeof SlackMessageEventSchema>
