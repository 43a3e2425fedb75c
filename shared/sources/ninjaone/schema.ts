import * as z from '../../zod-mini.js'
import { lenient, lenientText } from '../lenient.js'

const id = z.union([z.number(), z.string().check(z.minLength(1))])
const text = z.string().check(z.maxLength(10_000))
/**
 * Text for the ticket: a number is kept as its text; another type, or text over 10,000
 * characters, is left out.
 */
const note = lenientText(text)

/** The device, as far as the ticket reads it: none of it is part of the alert's key. */
const NinjaDeviceSchema = z.looseObject({
  id: lenient(id),
  organizationId: lenient(id),
  locationId: lenient(id),
  nodeClass: note,
  displayName: note,
  systemName: note,
  dnsName: note,
  references: lenient(
    z.looseObject({
      organization: lenient(z.looseObject({ name: note, id: lenient(id) })),
      location: lenient(z.looseObject({ name: note, id: lenient(id) })),
    }),
  ),
})

/**
 * A NinjaOne notification-channel webhook body: one activity. Alerts are `CONDITION` activities
 * whose `statusCode` is `TRIGGERED` or `RESET`. Only the fields we read are declared, and only
 * those the key, status and event type come from may refuse a payload: any other field of another
 * type reads as absent.
 */
export const NinjaActivitySchema = z
  .looseObject({
    /** The activity id: unique per activity, so it is the delivery id. */
    id: z.optional(id),
    /** Unix seconds, with a fraction. */
    activityTime: lenient(z.number()),
    deviceId: z.optional(id),
    seriesUid: z.optional(text),
    activityType: z.optional(text),
    statusCode: z.optional(text),
    status: note,
    /** The condition (policy rule) that fired. */
    sourceConfigUid: z.optional(text),
    /** The condition's target, e.g. `_average_` or a disk. */
    sourceName: z.optional(text),
    subject: note,
    message: note,
    type: note,
    severity: note,
    priority: note,
    device: lenient(NinjaDeviceSchema),
  })
  .check(
    z.refine(
      (activity) =>
        (activity.deviceId !== undefined && activity.sourceConfigUid) ||
        activity.seriesUid ||
        activity.id !== undefined,
      { message: 'needs deviceId + sourceConfigUid, seriesUid or id to identify the alert' },
    ),
  )

export type NinjaActivity = z.infer<typeof NinjaActivitySchema>
