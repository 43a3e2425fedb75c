import * as z from '../../zod-mini.js'
import { parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { AlertDraft, SourceResult, WebhookSource } from '../webhook-source.js'
import {
  SlackEnvelopeSchema,
  type SlackEventCallback,
  SlackEventCallbackSchema,
  SlackUrlVerificationSchema,
} from './schema.js'
import { verifySlackSignature } from './slack-signature.js'

/** Per-route options of the `slack` source. */
export const SlackOptionsSchema = z.lazy(() =>
  z.strictObject({
    /** Channel ids (`C…`) whose messages become alerts. @default every channel the app is in */
    channels: z.optional(
      z
        .array(z.string().check(z.regex(/^[A-Z0-9]+$/, 'a Slack channel id such as C06NRA6JLER')))
        .check(z.minLength(1)),
    ),
    /**
     * Reactions (names without colons) that resolve the alert of the message they are added to,
     * e.g. `white_check_mark`. Needs the `reaction_added` event subscription. @default none
     */
    resolveReactions: z._default(z.array(z.string().check(z.regex(/^[a-z0-9_+-]+$/))), []),
    /** Messages posted by bots (including halo-hooks' own Halo notices) are ignored. @default true */
    ignoreBots: z._default(z.boolean(), true),
    /** How far `X-Slack-Request-Timestamp` may be from now. @default 300 (Slack's five minutes) */
    toleranceSeconds: z._default(z.number().check(z.int(), z.gte(30), z.lte(3600)), 300),
  }),
)

export type SlackOptions = z.infer<typeof SlackOptionsSchema>

/** Subtypes that are edits, deletions or housekeeping rather than someone raising a problem. */
const NOT_A_REPORT = new Set([
  'message_changed',
  'message_deleted',
  'channel_join',
  'channel_leave',
  'channel_topic',
  'channel_purpose',
  'channel_name',
  'pinned_item',
  'unpinned_item',
])

/** One problem per thread: replies in a thread share the key of the message that began it. */
const messageKey = (team: string, channel: string, threadTs: string) =>
  `slack:${team}:${channel}:${threadTs}`

const firstLine = (text: string) => text.trim().split('\n', 1)[0]?.slice(0, 200) ?? ''

/**
 * Slack Events API: verifies `X-Slack-Signature` (v0 HMAC with a five-minute window), answers the
 * signed `url_verification` handshake with its challenge, and turns channel messages into alerts
 * (a thread is one problem; an agreed reaction on its first message resolves it).
 *
 * @see https://docs.slack.dev/apis/events-api/
 */
export const slackSource: WebhookSource<SlackOptions> = {
  id: 'slack',
  description: 'Slack Events API: channel messages become alerts; url_verification answered',
  needsRouteAuth: false,

  verify(request, { secrets, now, options }) {
    return verifySlackSignature(request, secrets, now, options.toleranceSeconds)
  },

  async normalize(request, { options }): Promise<SourceResult> {
    const body = parseJsonBody(request.body)
    const { type } = validatePayload(SlackEnvelopeSchema, body, 'Slack Events API body')

    if (type === 'url_verification') {
      const { challenge } = validatePayload(SlackUrlVerificationSchema, body, 'url_verification')
      // Slack accepts the bare challenge as text/plain; nothing is enqueued.
      return {
        kind: 'reply',
        type: 'slack.url_verification',
        reply: { status: 200, contentType: 'text/plain; charset=utf-8', body: challenge },
      }
    }
    if (type !== 'event_callback') {
      return {
        kind: 'ignored',
        type: `slack.${safeWord(type)}`,
        reason: `Slack "${type}" notices are not events`,
      }
    }

    const callback = validatePayload(SlackEventCallbackSchema, body, 'Slack event_callback')
    const { event } = callback
    const eventType = `slack.${safeWord(event.type)}`
    const ignored = (reason: string): SourceResult => ({ kind: 'ignored', type: eventType, reason })
    const accept = (draft: AlertDraft): SourceResult => ({
      kind: 'alerts',
      type: eventType,
      // Stable across Slack's retries (X-Slack-Retry-Num), so a retry is deduplicated.
      deliveryId: callback.event_id,
      alerts: [draft],
    })

    if (event.type === 'reaction_added') {
      const item = event.item
      if (!event.reaction || !options.resolveReactions.includes(event.reaction)) {
        return ignored(`reaction "${event.reaction ?? ''}" does not resolve anything on this route`)
      }
      if (item?.type !== 'message' || !item.channel || !item.ts) {
        return ignored('the reaction is not on a channel message')
      }
      if (!inChannels(options, item.channel)) return ignored('the channel is not one of the route')
      return accept(
        draft(callback, {
          channel: item.channel,
          threadTs: item.ts,
          status: 'resolved',
          title: `Resolved in Slack with :${event.reaction}:`,
        }),
      )
    }

    if (event.type !== 'message' && event.type !== 'app_mention') {
      return ignored(`Slack "${event.type}" events are not understood`)
    }
    if (event.subtype && NOT_A_REPORT.has(event.subtype)) {
      return ignored(`message subtype "${event.subtype}" is not a new report`)
    }
    if (options.ignoreBots && (event.bot_id || event.subtype === 'bot_message')) {
      return ignored('the message was posted by a bot')
    }
    if (!event.channel || !event.ts) return ignored('the message has no channel or timestamp')
    if (!inChannels(options, event.channel)) return ignored('the channel is not one of the route')
    const text = event.text ?? ''
    return accept(
      draft(callback, {
        channel: event.channel,
        threadTs: event.thread_ts ?? event.ts,
        status: 'firing',
        title: firstLine(text) || `Slack message in ${event.channel}`,
        description: text,
      }),
    )
  },
}

const safeWord = (word: string) =>
  word
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 64) || 'event'

/** `event_time` (Unix seconds) as ISO 8601; out-of-range numbers are left to the default. */
const instant = (seconds: number | undefined) => {
  const date = new Date((seconds ?? Number.NaN) * 1000)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

const inChannels = (options: SlackOptions, channel: string) =>
  !options.channels || options.channels.includes(channel)

const draft = (
  callback: SlackEventCallback,
  fields: {
    channel: string
    threadTs: string
    status: 'firing' | 'resolved'
    title: string
    description?: string
  },
): AlertDraft => ({
  alert: {
    key: messageKey(callback.team_id, fields.channel, fields.threadTs),
    status: fields.status,
    severity: 'medium',
    title: fields.title,
    description: fields.description ?? '',
    ...(instant(callback.event_time) ? { occurredAt: instant(callback.event_time) } : {}),
    resource: fields.channel,
    tenant: { id: callback.team_id },
    labels: {
      team: callback.team_id,
      channel: fields.channel,
      event: callback.event.type,
      ...(callback.event.user ? { user: callback.event.user } : {}),
    },
  },
  raw: callback,
})
