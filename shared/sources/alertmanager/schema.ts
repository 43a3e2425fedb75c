import { once } from '../../once.js'
import * as z from '../../zod-mini.js'
import { lenient, lenientText, lenientTextMap } from '../lenient.js'

// Built on the first notification (`z.lazy`; the objects through `once` for the code that reads or
// extends their shape), not when an ingest bundle serving other senders' routes loads (issue 15).

/** Label maps: Alertmanager marshals them as string-to-string objects. */
export const StringMapSchema = z.lazy(() => z.record(z.string(), z.string()))

/**
 * One alert of an Alertmanager notification, as far as we read it. Unknown fields pass so that a
 * newer Alertmanager (or Grafana, which sends the same shape) is not rejected. Only the status, the
 * labels and the fingerprint (what the key comes from) may refuse it; any other field of another
 * type reads as absent.
 */
export const alertmanagerAlertObject = once(() =>
  z.looseObject({
    status: z.enum(['firing', 'resolved']),
    labels: StringMapSchema,
    /** Text annotations; a number is kept as its text, any other value is left out. */
    annotations: lenientTextMap(),
    startsAt: lenient(z.string()),
    /** `0001-01-01T00:00:00Z` while the alert is still firing. */
    endsAt: lenient(z.string()),
    generatorURL: lenientText(),
    /** Hash of the label set; older senders omit it. */
    fingerprint: z.optional(z.string().check(z.minLength(1))),
  }),
)
export const AlertmanagerAlertSchema = z.lazy(alertmanagerAlertObject)

/** The webhook body Alertmanager posts for one alert group (`version` "4"). */
export const alertmanagerPayloadObject = once(() =>
  z.looseObject({
    version: lenientText(),
    groupKey: lenientText(),
    receiver: lenientText(),
    status: lenient(z.enum(['firing', 'resolved'])),
    externalURL: lenientText(),
    truncatedAlerts: lenient(z.number().check(z.int(), z.nonnegative())),
    alerts: z.array(AlertmanagerAlertSchema),
  }),
)
export const AlertmanagerPayloadSchema = z.lazy(alertmanagerPayloadObject)

export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlertSchema>
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayloadSchema>
