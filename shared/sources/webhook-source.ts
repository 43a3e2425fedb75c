import type { AlertInput } from '../alert.js'
import type { TicketEvent } from '../ticket-event.js'

/** A request exactly as received: the body's bytes are what signatures cover. */
export type InboundRequest = {
  method: string
  /** Path and query as received (signature schemes such as Twilio's sign the URL). */
  url: URL
  /**
   * Header names lower-cased; repeated headers joined with ", ". Headers outside a sender's
   * signature (an event-type header, say) are whatever the caller chose: validate them like body.
   */
  headers: Readonly<Record<string, string>>
  body: Uint8Array
}

/** The outcome of authentication: a value, so an expected mismatch is not an exception. */
export type AuthVerdict =
  | { ok: true }
  | {
      ok: false
      code: 'signature_missing' | 'signature_invalid' | 'timestamp_invalid' | 'auth_invalid'
      /** Which rule failed, naming headers and schemes but never a secret or signature value. */
      detail: string
    }

/** A response a sender's protocol requires (a handshake), sent instead of enqueuing anything. */
export type SourceReply = {
  status: number
  contentType: string
  body: string
  /** Safe facts for the operator's log (e.g. an SNS SubscribeURL); never secrets. */
  log?: Record<string, unknown>
}

/** One alert drafted by a source, with the part of the payload it came from (for templates). */
export type AlertDraft = { alert: Partial<AlertInput>; raw: unknown }

export type SourceResult =
  | {
      kind: 'alerts'
      /** `<source>.<event>[.<action>]`, lower-case and dotted. */
      type: string
      /** The sender's delivery id when it sends one; otherwise ingest hashes the body. */
      deliveryId?: string
      alerts: AlertDraft[]
    }
  /** One event about one Halo ticket (the `halo` source): applied to the stored state. */
  | {
      kind: 'ticketEvent'
      type: string
      deliveryId?: string
      ticketEvent: TicketEvent
    }
  /** Accepted but not acted on (a ping, an event type the route filters out): 2xx with reason. */
  | { kind: 'ignored'; type: string; reason: string }
  /** Authenticated handshake (Slack `url_verification`, SNS subscription confirmation, ...). */
  | { kind: 'reply'; type: string; reply: SourceReply }

export type SourceContext<Options> = {
  /** The route's name (the `:route` of `/hooks/:route`). */
  route: string
  /** The route's validated `options` for this source. */
  options: Options
  /** Secrets that verify this route, current first (two while a rotation is in flight). */
  secrets: readonly string[]
  now: Date
  /** The dry run: answer as for real, but cause nothing outside (no subscription confirmed). */
  dryRun?: boolean
}

/**
 * The inbound port: one implementation per sender, in `shared/sources/<sender>/`.
 *
 * Ingest calls, in order: `handshake` (unauthenticated protocol checks only), authentication
 * (`verify` when the sender has a signature scheme of its own, and the route's `auth` when it has
 * one: every check present must pass), then `normalize`. Route-level `alert` templates are applied to each draft afterwards, and the result
 * is validated against the Alert schema.
 */
export interface WebhookSource<Options = unknown> {
  readonly id: string
  /** One line for `npm run validate` and the docs. */
  readonly description: string
  /**
   * True when the route must name an `auth` (a secret token in a header, the query string or
   * Basic auth, or an HMAC the operator configures) because the sender has no signature scheme
   * of its own, or none with these options.
   */
  readonly needsRouteAuth: boolean | ((options: Options) => boolean)
  /**
   * False when the sender's proof needs no per-route secret (SNS signs with AWS's key).
   * @default true
   */
  readonly needsSecret?: boolean
  /**
   * True when the sender's requests are heartbeat pings, so its routes must say how often they
   * come (the route's `heartbeat` policy).
   */
  readonly needsHeartbeatPolicy?: boolean
  /**
   * True when the sender may call with GET (a URL in a cron entry), its data in the query string.
   * @default false: POST only
   */
  readonly acceptsGet?: boolean
  /** Alert fields this source cannot derive itself, so the route's `alert` templates must. */
  readonly requiredAlertTemplates?: readonly ('key' | 'title' | 'status')[]
  /** Answers a handshake that comes before any credential (Graph `validationToken`). */
  handshake?(request: InboundRequest, context: SourceContext<Options>): SourceReply | undefined
  /**
   * Verifies the sender's own signature scheme over the exact bytes. Always runs when defined;
   * a route's `auth`, when set, must pass as well.
   */
  verify?(
    request: InboundRequest,
    context: SourceContext<Options>,
  ): AuthVerdict | Promise<AuthVerdict>
  /** Parses and validates the body (throws `PayloadError`) and drafts one alert per problem. */
  normalize(request: InboundRequest, context: SourceContext<Options>): Promise<SourceResult>
}
