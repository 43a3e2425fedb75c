import * as z from '../../zod-mini.js'
import { lenientText } from '../lenient.js'

/** A variable's value: text, or a number when the POST value left it unquoted. */
const value = z.optional(z.pipe(z.union([z.string(), z.number()]), z.transform(String)))

/**
 * A variable no key, status or event type comes from: as `value`, plus a boolean kept as its
 * text; any other type reads as absent.
 */
const note = lenientText()

/**
 * The alert contact's "POST value" as our docs tell users to write it: UptimeRobot's own variable
 * names. The snake_case names of a widely copied template (Zulip's) are read too. Only the alert
 * type and the monitor's id or URL (the status and the key) may refuse a payload.
 */
export const UptimeRobotPayloadSchema = z.looseObject({
  monitorID: value,
  monitorURL: value,
  monitorFriendlyName: note,
  /** 1 down, 2 up. */
  alertType: value,
  alertTypeFriendlyName: note,
  alertDetails: note,
  alertDuration: note,
  alertFriendlyDuration: note,
  /** Unix seconds of the alert. */
  alertDateTime: note,
  monitor_id: value,
  monitor_url: value,
  monitor_friendly_name: note,
  alert_type: value,
  alert_type_friendly_name: note,
  alert_details: note,
  alert_friendly_duration: note,
})

export type UptimeRobotPayload = z.infer<typeof UptimeRobotPayloadSchema>
