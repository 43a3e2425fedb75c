import * as z from '../../zod-mini.js'
import { lenient, lenientList, lenientText } from '../lenient.js'

const signed = {
  MessageId: z.string().check(z.minLength(1), z.maxLength(256)),
  TopicArn: z.string().check(z.minLength(1), z.maxLength(1024)),
  Message: z.string(),
  Timestamp: z.string().check(z.minLength(1), z.maxLength(64)),
  SignatureVersion: z.string(),
  Signature: z.string().check(z.minLength(1), z.maxLength(4096)),
  SigningCertURL: z.string().check(z.minLength(1), z.maxLength(2048)),
}

/** A message published to the topic. `Subject` is signed only when present. */
export const SnsNotificationSchema = z.looseObject({
  ...signed,
  Type: z.literal('Notification'),
  Subject: z.nullish(z.string()),
  /** Not signed, and not needed: any other type reads as absent. */
  UnsubscribeURL: lenientText(),
})

/** The subscribe and unsubscribe handshakes: both carry a `SubscribeURL` and its `Token`. */
export const SnsConfirmationSchema = z.looseObject({
  ...signed,
  Type: z.enum(['SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  SubscribeURL: z.string().check(z.minLength(1), z.maxLength(4096)),
  Token: z.string().check(z.minLength(1), z.maxLength(4096)),
})

/** The JSON body SNS POSTs to an HTTP(S) subscription (raw message delivery off). */
export const SnsMessageSchema = z.discriminatedUnion('Type', [
  SnsNotificationSchema,
  SnsConfirmationSchema,
])

export type SnsNotification = z.infer<typeof SnsNotificationSchema>
export type SnsConfirmation = z.infer<typeof SnsConfirmationSchema>
export type SnsMessage = z.infer<typeof SnsMessageSchema>

/**
 * A CloudWatch alarm state change, as CloudWatch publishes it in the SNS `Message` (a JSON
 * string). Only the fields we read are declared. The alarm's name, ARN, account and new state
 * (what the key and status come from) must be right for the message to read as an alarm; any
 * other field of another type reads as absent.
 */
export const CloudWatchAlarmSchema = z.looseObject({
  AlarmName: z.string().check(z.minLength(1)),
  AlarmDescription: lenientText(),
  AWSAccountId: z.optional(z.string()),
  NewStateValue: z.string().check(z.minLength(1)),
  NewStateReason: lenientText(),
  StateChangeTime: lenient(z.string()),
  Region: lenientText(),
  AlarmArn: z.optional(z.string()),
  OldStateValue: lenientText(),
  Trigger: lenient(
    z.looseObject({
      MetricName: lenientText(),
      Namespace: lenientText(),
      Dimensions: lenientList(z.looseObject({ name: lenientText(), value: z.unknown() })),
    }),
  ),
})

export type CloudWatchAlarm = z.infer<typeof CloudWatchAlarmSchema>
