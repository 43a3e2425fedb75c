import * as z from 'zod'

/** A heartbeat as Uptime Kuma serializes it (`server/model/heartbeat.js` `toJSON`). */
export const UptimeKumaHeartbeatSchema = z.looseObject({
  monitorID: z.number().optional(),
  /** 0 down, 1 up, 2 pending (retrying), 3 maintenance. */
  status: z.number().int(),
  /** UTC, as `YYYY-MM-DD HH:mm:ss.SSS` without a zone. */
  time: z.string().optional(),
  msg: z.string().nullish(),
})

/** The part of a monitor we read; Kuma sends its whole configuration. */
export const UptimeKumaMonitorSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  /** The group path, e.g. `Acme / Customer portal`. */
  pathName: z.string().nullish(),
  type: z.string().nullish(),
  url: z.string().nullish(),
  hostname: z.string().nullish(),
  tags: z.array(z.looseObject({ name: z.string(), value: z.string().nullish() })).nullish(),
})

/**
 * The body of Uptime Kuma's Webhook notification (`server/notification-providers/webhook.js`):
 * `heartbeat` and `monitor` are null when the notification is the "Test" button's.
 */
export const UptimeKumaPayloadSchema = z.looseObject({
  heartbeat: UptimeKumaHeartbeatSchema.nullish(),
  monitor: UptimeKumaMonitorSchema.nullish(),
  msg: z.string(),
})

export type UptimeKumaMonitor = z.infer<typeof UptimeKumaMonitorSchema>
export type UptimeKumaPayload = z.infer<typeof UptimeKumaPayloadSchema>
