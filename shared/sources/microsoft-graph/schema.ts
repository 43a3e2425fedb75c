import * as z from 'zod'

/**
 * One entry of a Graph `changeNotificationCollection`: a resource change, or (with
 * `lifecycleEvent`) a change in the subscription's own state. Only the fields we read are
 * declared; anything else passes through for templates.
 */
export const GraphNotificationSchema = z.looseObject({
  id: z.string().optional(),
  subscriptionId: z.string().min(1),
  subscriptionExpirationDateTime: z.string().optional(),
  clientState: z.string().optional(),
  changeType: z.string().optional(),
  resource: z.string().optional(),
  tenantId: z.string().optional(),
  lifecycleEvent: z.string().optional(),
  resourceData: z
    .looseObject({
      id: z.string().optional(),
      '@odata.type': z.string().optional(),
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
