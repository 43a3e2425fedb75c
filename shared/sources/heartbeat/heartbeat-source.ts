import { PayloadError } from '../../errors.js'
import * as z from '../../zod-mini.js'
import { bodyText, parseJsonText } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { WebhookSource } from '../webhook-source.js'

const text = (max: number) =>
  z.optional(
    z.pipe(
      z.union([z.string(), z.number()]),
      z.transform((value) => String(value).trim().slice(0, max)),
    ),
  )

/**
 * One ping. Every field may come in the body (JSON or a form) or the query string; the body wins.
 * Loose: a sender's other fields are kept for templates, never refused.
 */
export const HeartbeatPingSchema = z.looseObject({
  /** What is alive: the correlation key its deadline is kept under. */
  key: z.pipe(
    z.union([z.string(), z.number()]),
    z.transform((value) => String(value).trim()),
  ),
  /** How the sender names itself in the missed ticket's title (`title` is the same). */
  name: text(200),
  title: text(200),
  /** The sender's id of this ping, if it has one (a resend of the same ping is then dropped). */
  id: z.optional(z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/))),
  /** The sender's own time; kept on the alert, never used for the deadline. */
  timestamp: z.optional(z.union([z.string(), z.number()])),
  /** Tenant hints for routing the missed ticket to a Halo client. */
  tenantId: text(200),
  tenantName: text(200),
  tenant: z.optional(z.object({ id: text(200), name: text(200) })),
  resource: text(255),
  message: text(4_000),
})

export type HeartbeatPing = z.output<typeof HeartbeatPingSchema>

const QUERY_FIELDS = ['key', 'name', 'title', 'id', 'timestamp', 'tenantId', 'tenantName']

/** The body as fields: empty, a form, or JSON (whatever its content type says). */
const bodyFields = (body: Uint8Array, type: string | undefined): Record<string, unknown> => {
  const written = bodyText(body)
  if (written.trim() === '') return {}
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(written))
  }
  if (type === 'multipart/form-data') {
    throw new PayloadError('media_unsupported', 'heartbeat pings are JSON, a form or a query')
  }
  const value = parseJsonText(written)
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PayloadError('payload_invalid', 'a heartbeat ping is one JSON object')
  }
  return value as Record<string, unknown>
}

/**
 * A dead-man's switch's pings (a backup job, a cron entry, a NAS, any script with curl): each
 * request says "`key` is alive". The route's `heartbeat` policy says how often pings come; a key
 * that stops pinging gets a ticket, which its next ping closes. No signature scheme of its own:
 * the route's `auth` authenticates (a query token for senders that can only call a URL).
 */
/** A heartbeat route takes no options: its `heartbeat` policy says how often pings come. */
export const HeartbeatOptionsSchema = z.lazy(() => z.strictObject({}))

export const heartbeatSource: WebhookSource<Record<string, never>> = {
  id: 'heartbeat',
  description: "a dead-man's switch: pings with a key; a key that stops pinging opens a ticket",
  needsRouteAuth: true,
  needsHeartbeatPolicy: true,
  acceptsGet: true,

  async normalize(request) {
    const type = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase()
    const query: Record<string, string> = {}
    for (const field of QUERY_FIELDS) {
      const value = request.url.searchParams.get(field)
      if (value !== null) query[field] = value
    }
    const ping = validatePayload(
      HeartbeatPingSchema,
      { ...query, ...bodyFields(request.body, type) },
      'heartbeat ping',
    )
    if (!ping.key) throw new PayloadError('payload_invalid', 'a heartbeat ping names its key')
    const tenant = {
      ...(ping.tenant?.id || ping.tenantId ? { id: ping.tenant?.id || ping.tenantId } : {}),
      ...(ping.tenant?.name || ping.tenantName
        ? { name: ping.tenant?.name || ping.tenantName }
        : {}),
    }
    return {
      kind: 'alerts',
      type: 'heartbeat.ping',
      // Without the sender's id, ingest tells identical pings apart by the time received.
      ...(ping.id ? { deliveryId: ping.id } : {}),
      alerts: [
        {
          alert: {
            key: ping.key,
            title: ping.name || ping.title || ping.key,
            status: 'firing',
            severity: 'info',
            ...(ping.timestamp === undefined ? {} : { occurredAt: String(ping.timestamp) }),
            ...(ping.message ? { description: ping.message } : {}),
            ...(ping.resource ? { resource: ping.resource } : {}),
            ...(Object.keys(tenant).length ? { tenant } : {}),
          },
          raw: ping,
        },
      ],
    }
  },
}
