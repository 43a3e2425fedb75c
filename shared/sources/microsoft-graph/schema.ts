import * as z from 'zod'
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
  subscriptionId: z.string().min(1),
  subscriptionExpirationDateTime: lenientText(),
  clientState: z.string().optional(),
  changeType: z.string().optional(),
  resource: z.string().optional(),
  tenantId: lenientText(),
  lifecycleEvent: z.string().optional(),
  resourceData: z
    .looseObject({
      id: z.string().optional(),
      '@odata.type': lenientText(),
      '@odata.id': z.string().optional(),
    })
    .optional(),
})

export type GraphNotification = z.infer<typeof GraphNotificationSchema>

/** The body Graph POSTs: one or more notifications, possibly from several subscriptions. */
export const GraphNotificationCollectionSchema = z.looseObject({
  value: z.array(GraphNotificationSchema).min(1),
})

export type GraphNotificationCollection = z.infer<typeof GraphNotificationCollectionSchema>
