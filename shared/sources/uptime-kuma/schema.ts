import * as z from '../../zod-mini.js'
import { lenient, lenientList, lenientText } from '../lenient.js'

// Only the heartbeat's status and the monitor's id (the status and the key), and whether the two
// are there at all (the "Test" button sends neither), may refuse a payload: any other field of
// another type reads as absent.

/** A heartbeat as Uptime Kuma serializes it (`server/model/heartbeat.js` `toJSON`). */
export const UptimeKumaHeartbeatSchema = z.looseObject({
  monitorID: lenient(z.number()),
  /** 0 down, 1 up, 2 pending (retrying), 3 maintenance. */
  status: z.number().check(z.int()),
  /** UTC, as `YYYY-MM-DD HH:mm:ss.SSS` without a zone. */
  time: lenient(z.string()),
  msg: lenientText(),
})

/** The part of a monitor we read; Kuma sends its whole configuration. */
export const UptimeKumaMonitorSchema = z.looseObject({
  id: z.number(),
  name: lenientText(),
  /** The group path, e.g. `Acme / Customer portal`. */
  pathName: lenientText(),
  type: lenientText(),
  url: lenientText(),
  hostname: lenientText(),
  /** Tags without a text name are left out. */
  tags: lenientList(z.looseObject({ name: z.string(), value: lenientText() })),
})

/**
 * The body of Uptime Kuma's Webhook notification (`server/notification-providers/webhook.js`):
 * `heartbeat` and `monitor` are null when the notification is the "Test" button's.
 */
export const UptimeKumaPayloadSchema = z.looseObject({
  heartbeat: z.nullish(UptimeKumaHeartbeatSchema),
  monitor: z.nullish(UptimeKumaMonitorSchema),
  msg: lenientText(),
})

export type UptimeKumaMonitor = z.infer<typeof UptimeKumaMonitorSchema>
export type UptimeKumaPayload = z.infer<typeof UptimeKumaPayloadSchema>
