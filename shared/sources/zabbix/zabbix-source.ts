import { type AlertInput, normalizeSeverity } from '../../alert.js'
import { PayloadError } from '../../errors.js'
import * as z from '../../zod-mini.js'
import { parseJsonBody } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { SourceResult, WebhookSource } from '../webhook-source.js'
import {
  type ZabbixEvent,
  ZabbixEventSchema,
  type ZulipStyleEvent,
  ZulipStyleEventSchema,
} from './schema.js'

export const ZabbixOptionsSchema = z.lazy(() => z.strictObject({}))
export type ZabbixOptions = z.infer<typeof ZabbixOptionsSchema>

/** `{EVENT.NSEVERITY}` → ours: not classified, information, warning, average, high, disaster. */
const SEVERITY_BY_NUMBER: readonly AlertInput['severity'][] = [
  'info',
  'info',
  'medium',
  'medium',
  'high',
  'critical',
]

/** Tag names an operator may set on hosts or triggers to say which customer they belong to. */
const TENANT_TAGS = ['tenant', 'customer', 'client']

/** A macro Zabbix could not resolve stays as written, e.g. `{EVENT.RECOVERY.ID}`. */
const present = (value: string | undefined) =>
  value === undefined || value.trim() === '' || /^\{[^{}]*\}$/.test(value.trim())
    ? undefined
    : value

const severityOf = (event: ZabbixEvent) => {
  const number = Number(present(event.event_nseverity))
  return Number.isInteger(number) && SEVERITY_BY_NUMBER[number]
    ? SEVERITY_BY_NUMBER[number]
    : normalizeSeverity(present(event.event_severity))
}

const fromOurScript = (event: ZabbixEvent): SourceResult => {
  const source = present(event.event_source) ?? '0'
  if (source === '1' || source === '2') {
    return {
      kind: 'ignored',
      type: 'zabbix.event',
      reason: `event source ${source} (discovery or autoregistration) opens no ticket`,
    }
  }
  const eventId = present(event.event_id)
  const value = present(event.event_value)
  if (!eventId || (value !== '0' && value !== '1')) {
    throw new PayloadError('payload_invalid', 'Zabbix event failed validation', [
      ...(eventId ? [] : ['event_id: expected the resolved {EVENT.ID}']),
      ...(value === '0' || value === '1'
        ? []
        : ['event_value: expected 1 (problem) or 0 (recovery)']),
    ])
  }
  const tags = Array.isArray(event.event_tags) ? event.event_tags : []
  const labels = Object.fromEntries(tags.map((tag) => [tag.tag, tag.value ?? '']))
  const tenant = TENANT_TAGS.map((name) => labels[name]).find(Boolean)
  const triggerId = present(event.trigger_id)
  const host = present(event.host_name)
  const url = present(event.url)
  const update = present(event.event_update_status) === '1'
  const recovered = value === '0'
  return {
    kind: 'alerts',
    type: `zabbix.${recovered ? 'recovery' : update ? 'update' : 'problem'}`,
    alerts: [
      {
        alert: {
          key: `event:${eventId}`,
          status: recovered ? 'resolved' : 'firing',
          severity: severityOf(event),
          title: present(event.event_name) ?? `Zabbix event ${eventId}`,
          description: [present(event.message), present(event.trigger_description)]
            .filter(Boolean)
            .join('\n\n'),
          ...(url ? { url } : {}),
          ...(host ? { resource: host.slice(0, 255) } : {}),
          ...(tenant ? { tenant: { name: tenant } } : {}),
          labels: { ...labels, ...(triggerId ? { triggerId } : {}) },
        },
        raw: event,
      },
    ],
  }
}

const fromZulipStyle = (event: ZulipStyleEvent): SourceResult => {
  const status = event.status.trim().toUpperCase()
  if (!['PROBLEM', 'OK', 'RESOLVED'].includes(status)) {
    throw new PayloadError('payload_invalid', 'Zabbix event failed validation', [
      'status: expected PROBLEM, OK or RESOLVED ({TRIGGER.STATUS})',
    ])
  }
  const link = present(event.link)
  // The trigger id is the one thing problem and recovery share in this payload.
  const triggerId = link ? /[?&]triggerid=(\d+)/.exec(link)?.[1] : undefined
  return {
    kind: 'alerts',
    type: status === 'PROBLEM' ? 'zabbix.problem' : 'zabbix.recovery',
    alerts: [
      {
        alert: {
          key: triggerId ? `trigger:${triggerId}` : `trigger:${event.hostname}:${event.trigger}`,
          status: status === 'PROBLEM' ? 'firing' : 'resolved',
          severity: normalizeSeverity(present(event.severity)),
          title: event.trigger,
          description: present(event.item) ?? '',
          ...(link ? { url: link } : {}),
          resource: event.hostname.slice(0, 255),
          labels: triggerId ? { triggerId } : {},
        },
        raw: event,
      },
    ],
  }
}

/**
 * Zabbix through a webhook media type. The media type's script decides the request, so we
 * publish our own (docs/sources/zabbix.md): it posts the event's macros as JSON with the route's
 * secret in an `Authorization` header, which the route's `auth` verifies. A problem and its
 * recovery share `{EVENT.ID}`, the key. The payload of Zulip's widely used media type is read too.
 */
export const zabbixSource: WebhookSource<ZabbixOptions> = {
  id: 'zabbix',
  description: 'Zabbix webhook media type (our script); problem/recovery keyed by event id',
  needsRouteAuth: true,

  async normalize(request) {
    const body = parseJsonBody(request.body)
    if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'event_id' in body) {
      return fromOurScript(validatePayload(ZabbixEventSchema, body, 'Zabbix event'))
    }
    if (body !== null && typeof body === 'object' && !Array.isArray(body) && 'hostname' in body) {
      return fromZulipStyle(validatePayload(ZulipStyleEventSchema, body, 'Zabbix event'))
    }
    // Neither shape: report the fields of ours, the one the docs tell users to send.
    return fromOurScript(validatePayload(ZabbixEventSchema, body, 'Zabbix event'))
  },
}
