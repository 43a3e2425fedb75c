import * as z from '../../zod-mini.js'
import { lenientText } from '../lenient.js'

/**
 * One entry of a Graph `changeNotificationCollection`: a resource change, or (with
 * `lifecycleEvent`) a change in the subscription's own state. Only the fields we read are
 * declared; anything else passes through for templates. Only what the key, status and event type
 * come from (and `clientState`, which authenticates) may refuse a payload: any other field of
 * another type reads as absent.
 */
export const GraphNotificationSchema = z.looseObject({
  id: lenientText(),
  subscriptionId: z.string().check(z.minLength(1)),
  subscriptionExpirationDateTime: lenientText(),
  clientState: z.optional(z.string()),
  changeType: z.optional(z.string()),
  resource: z.optional(z.string()),
  tenantId: lenientText(),
  lifecycleEvent: z.optional(z.string()),
  resourceData: z.optional(
    z.looseObject({
      id: z.optional(z.string()),
      '@odata.type': lenientText(),
      '@odata.id': z.optional(z.string()),
    }),
  ),
})

export type GraphNotification = z.infer<typeof GraphNotificationSchema>

/** The body Graph POSTs: one or more notifications, possibly from several subscriptions. */
export const GraphNotificationCollectionSchema = z.looseObject({
  value: z.array(GraphNotificationSchema).check(z.minLength(1)),
})

export type GraphNotificationCollection = z.infer<typeof GraphNotificationCollectionSchema>
