import * as z from '../../zod-mini.js'
import { lenient, lenientList, lenientText } from '../lenient.js'

/** Zabbix resolves macros to text; a hand-written script may send numbers. */
const text = z.pipe(z.union([z.string(), z.number()]), z.transform(String))

/**
 * A macro no key, status or event type comes from: as `text`, plus a boolean kept as its text;
 * any other type reads as absent.
 */
const note = lenientText()

/**
 * `{EVENT.TAGSJSON}`: the script parses it; left as text when the macro did not resolve. Tags
 * without a text name are left out, and anything but text or a list reads as absent.
 */
const TagsSchema = lenient(
  z.union([z.string(), lenientList(z.looseObject({ tag: z.string(), value: lenientText() }))]),
)

/**
 * The JSON our Zabbix media-type script sends (docs/sources/zabbix.md): the event's macros under
 * fixed names. Zabbix leaves a macro it cannot resolve as written (`{EVENT.RECOVERY.ID}`), so
 * every field is text that may turn out to be such a placeholder. Only the event's id, value,
 * source and update status (the key, status and event type) may refuse a payload.
 */
export const ZabbixEventSchema = z.looseObject({
  /** `{EVENT.ID}`: the problem event; recovery and update messages carry the same id. */
  event_id: text,
  /** `{EVENT.VALUE}`: 1 problem, 0 recovery. */
  event_value: text,
  /** `{EVENT.SOURCE}`: 0 trigger, 1 discovery, 2 autoregistration, 3 internal. */
  event_source: z.optional(text),
  /** `{EVENT.UPDATE.STATUS}`: 1 when the message is about an update (acknowledgement, ...). */
  event_update_status: z.optional(text),
  event_name: note,
  event_severity: note,
  /** `{EVENT.NSEVERITY}`: 0 not classified ... 5 disaster. */
  event_nseverity: note,
  event_tags: TagsSchema,
  host_name: note,
  host_ip: note,
  trigger_id: note,
  trigger_description: note,
  message: note,
  url: note,
})

/**
 * The payload of the media type in Zulip's Zabbix guide, which many installations already run:
 * `{TRIGGER.STATUS}` as `status`, and the trigger id only inside `link`. The host, trigger, status
 * and link (the key and status) may refuse a payload; the severity and item may not.
 */
export const ZulipStyleEventSchema = z.looseObject({
  hostname: text,
  trigger: text,
  /** `{TRIGGER.STATUS}`: PROBLEM or OK. */
  status: text,
  severity: note,
  item: note,
  link: z.optional(text),
})

export type ZabbixEvent = z.infer<typeof ZabbixEventSchema>
export type ZulipStyleEvent = z.infer<typeof ZulipStyleEventSchema>
