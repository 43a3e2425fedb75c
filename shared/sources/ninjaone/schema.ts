import * as z from 'zod'

const id = z.union([z.number(), z.string().min(1)])
const text = z.string().max(10_000)

const NinjaDeviceSchema = z.looseObject({
  id: id.optional(),
  organizationId: id.optional(),
  locationId: id.optional(),
  nodeClass: text.optional(),
  displayName: text.optional(),
  systemName: text.optional(),
  dnsName: text.optional(),
  references: z
    .looseObject({
      organization: z.looseObject({ name: text.optional(), id: id.optional() }).optional(),
      location: z.looseObject({ name: text.optional(), id: id.optional() }).optional(),
    })
    .optional(),
})

/**
 * A NinjaOne notification-channel webhook body: one activity. Alerts are `CONDITION` activities
 * whose `statusCode` is `TRIGGERED` or `RESET`. Only the fields we read are declared.
 */
export const NinjaActivitySchema = z
  .looseObject({
    /** The activity id: unique per activity, so it is the delivery id. */
    id: id.optional(),
    /** Unix seconds, with a fraction. */
    activityTime: z.number().optional(),
    deviceId: id.optional(),
    seriesUid: text.optional(),
    activityType: text.optional(),
    statusCode: text.optional(),
    status: text.optional(),
    /** The condition (policy rule) that fired. */
    sourceConfigUid: text.optional(),
    /** The condition's target, e.g. `_average_` or a disk. */
    sourceName: text.optional(),
    subject: text.optional(),
    message: text.optional(),
    type: text.optional(),
    severity: text.optional(),
    priority: text.optional(),
    device: NinjaDeviceSchema.optional(),
  })
  .refine(
    (activity) =>
      (activity.deviceId !== undefined && activity.sourceConfigUid) ||
      activity.seriesUid ||
      activity.id !== undefined,
    { message: 'needs deviceId + sourceConfigUid, seriesUid or id to identify the alert' },
  )

export type NinjaActivity = z.infer<typeof NinjaActivitySchema>
