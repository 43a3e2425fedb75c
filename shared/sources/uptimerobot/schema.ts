import * as z from 'zod'

/** A variable's value: text, or a number when the POST value left it unquoted. */
const value = z.union([z.string(), z.number()]).transform(String).optional()

/**
 * The alert contact's "POST value" as our docs tell users to write it: UptimeRobot's own variable
 * names. The snake_case names of a widely copied template (Zulip's) are read too.
 */
export const UptimeRobotPayloadSchema = z.looseObject({
  monitorID: value,
  monitorURL: value,
  monitorFriendlyName: value,
  /** 1 down, 2 up. */
  alertType: value,
  alertTypeFriendlyName: value,
  alertDetails: value,
  alertDuration: value,
  alertFriendlyDuration: value,
  /** Unix seconds of the alert. */
  alertDateTime: value,
  monitor_id: value,
  monitor_url: value,
  monitor_friendly_name: value,
  alert_type: value,
  alert_type_friendly_name: value,
  alert_details: value,
  alert_friendly_duration: value,
})

export type UptimeRobotPayload = z.infer<typeof UptimeRobotPayloadSchema>
