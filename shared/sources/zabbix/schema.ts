import * as z from 'zod'

/** Zabbix resolves macros to text; a hand-written script may send numbers. */
const text = z.union([z.string(), z.number()]).transform(String)

/** `{EVENT.TAGSJSON}`: the script parses it; left as text when the macro did not resolve. */
const TagsSchema = z.union([
  z.array(z.looseObject({ tag: z.string(), value: z.string().optional() })),
  z.string(),
])

/**
 * The JSON our Zabbix media-type script sends (docs/sources/zabbix.md): the event's macros under
 * fixed names. Zabbix leaves a macro it cannot resolve as written (`{EVENT.RECOVERY.ID}`), so
 * every field is text that may turn out to be such a placeholder.
 */
export const ZabbixEventSchema = z.looseObject({
  /** `{EVENT.ID}`: the problem event; recovery and update messages carry the same id. */
  event_id: text,
  /** `{EVENT.VALUE}`: 1 problem, 0 recovery. */
  event_value: text,
  /** `{EVENT.SOURCE}`: 0 trigger, 1 discovery, 2 autoregistration, 3 internal. */
  event_source: text.optional(),
  /** `{EVENT.UPDATE.STATUS}`: 1 when the message is about an update (acknowledgement, ...). */
  event_update_status: text.optional(),
  event_name: text.optional(),
  event_severity: text.optional(),
  /** `{EVENT.NSEVERITY}`: 0 not classified ... 5 disaster. */
  event_nseverity: text.optional(),
  event_tags: TagsSchema.optional(),
  host_name: text.optional(),
  host_ip: text.optional(),
  trigger_id: text.optional(),
  trigger_description: text.optional(),
  message: text.optional(),
  url: text.optional(),
})

/**
 * The payload of the media type in Zulip's Zabbix guide, which many installations already run:
 * `{TRIGGER.STATUS}` as `status`, and the trigger id only inside `link`.
 */
export const ZulipStyleEventSchema = z.looseObject({
  hostname: text,
  trigger: text,
  /** `{TRIGGER.STATUS}`: PROBLEM or OK. */
  status: text,
  severity: text.optional(),
  item: text.optional(),
  link: text.optional(),
})

export type ZabbixEvent = z.infer<typeof ZabbixEventSchema>
export type ZulipStyleEvent = z.infer<typeof ZulipStyleEventSchema>
