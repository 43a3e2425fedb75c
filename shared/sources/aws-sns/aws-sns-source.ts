import { SEVERITIES } from '../../alert.js'
import { AuthenticationError, SigningKeyUnavailableError } from '../../errors.js'
import * as z from '../../zod-mini.js'
import { bodyText, parseJsonBody, parseJsonText } from '../parse-body.js'
import { validatePayload } from '../validate-payload.js'
import type { AuthVerdict, InboundRequest, SourceResult, WebhookSource } from '../webhook-source.js'
import { cloudWatchAlarmIn, draftFromAlarm } from './cloudwatch-alarm.js'
import {
  type SnsConfirmation,
  type SnsMessage,
  SnsMessageSchema,
  type SnsNotification,
} from './schema.js'
import {
  createCertificateCache,
  digestFor,
  type FetchCertificate,
  fetchCertificateOverHttps,
  signatureMatches,
  signingCertificateUrl,
  snsUrl,
} from './sns-signature.js'

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d+:[A-Za-z0-9_.-]+$/

export const AwsSnsOptionsSchema = z.lazy(() =>
  z.strictObject({
    /** Topics this route accepts. Required: any AWS account can sign for its own topics. */
    topicArns: z
      .array(z.string().check(z.regex(TOPIC_ARN, 'must be an SNS topic ARN')))
      .check(z.minLength(1)),
    /** Visit the `SubscribeURL` of a verified confirmation ourselves. @default false */
    autoConfirm: z._default(z.boolean(), false),
    /** Oldest (or most future) `Timestamp` accepted, in seconds. @default 3600 */
    toleranceSeconds: z._default(z.number().check(z.int(), z.gte(60), z.lte(30 * 24 * 3600)), 3600),
    /** Severity of alarms and other alerts (SNS and CloudWatch carry none). @default "high" */
    severity: z._default(z.enum(SEVERITIES), 'high'),
    /** What a notification that is not a CloudWatch alarm becomes. @default "alert" */
    otherMessages: z._default(z.enum(['alert', 'ignore']), 'alert'),
  }),
)

export type AwsSnsOptions = z.infer<typeof AwsSnsOptionsSchema>

export type AwsSnsDeps = {
  /** Fetches a signing certificate; tests inject their own. @default https fetch */
  fetchCertificate?: FetchCertificate
  /** Visits a `SubscribeURL` when `autoConfirm` is on. @default https GET */
  confirmSubscription?: (url: URL) => Promise<void>
  /** Certificates kept in memory. @default 32 */
  maxCachedCertificates?: number
}

const visitOverHttps = async (url: URL) => {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) })
  if (!response.ok) throw new Error(`${url.hostname} answered ${response.status}`)
}

type Checked = { ok: true; message: SnsMessage } | { ok: false; verdict: AuthVerdict }

const refuse = (code: Extract<AuthVerdict, { ok: false }>['code'], detail: string): Checked => ({
  ok: false,
  verdict: { ok: false, code, detail },
})

/**
 * Everything about a message that can be checked without the network: shape, type header, topic
 * allow-list, signature version, certificate and subscribe URLs (the SSRF guard) and the replay
 * window.
 */
const checkMessage = (request: InboundRequest, options: AwsSnsOptions, now: Date): Checked => {
  let parsed: unknown
  try {
    parsed = parseJsonText(bodyText(request.body))
  } catch {
    return refuse('signature_missing', 'body is not an SNS JSON message (raw delivery must be off)')
  }
  const result = SnsMessageSchema.safeParse(parsed)
  if (!result.success) {
    return refuse('signature_missing', 'body is not a signed SNS message')
  }
  const message = result.data
  const type = request.headers['x-amz-sns-message-type']
  if (!type) return refuse('signature_missing', 'header x-amz-sns-message-type is missing')
  if (type !== message.Type) {
    return refuse('signature_invalid', 'x-amz-sns-message-type does not match the body Type')
  }
  if (!options.topicArns.includes(message.TopicArn)) {
    return refuse('auth_invalid', 'TopicArn is not one of the route topicArns')
  }
  if (!digestFor(message.SignatureVersion)) {
    return refuse('signature_invalid', 'SignatureVersion is neither 1 nor 2')
  }
  if (!signingCertificateUrl(message.SigningCertURL)) {
    return refuse('signature_invalid', 'SigningCertURL is not an https .pem URL on an SNS host')
  }
  if (message.Type !== 'Notification' && !snsUrl(message.SubscribeURL)) {
    return refuse('signature_invalid', 'SubscribeURL is not an https URL on an SNS host')
  }
  const sent = Date.parse(message.Timestamp)
  if (Number.isNaN(sent) || Math.abs(now.getTime() - sent) > options.toleranceSeconds * 1000) {
    return refuse(
      'timestamp_invalid',
      `Timestamp is not within ${options.toleranceSeconds} s of the time of receipt`,
    )
  }
  return { ok: true, message }
}

/**
 * AWS SNS HTTP(S) subscriptions, with CloudWatch alarms understood. Each message is verified
 * against the RSA certificate at its `SigningCertURL` (SignatureVersion 1 = SHA1, 2 = SHA256),
 * fetched only from an https SNS host and cached. A verified `SubscriptionConfirmation` is
 * answered 200 with its `SubscribeURL` (visited only when `autoConfirm` is on).
 */
export const createAwsSnsSource = (deps: AwsSnsDeps = {}): WebhookSource<AwsSnsOptions> => {
  const certificates = createCertificateCache(
    deps.fetchCertificate ?? fetchCertificateOverHttps,
    deps.maxCachedCertificates,
  )
  const confirmSubscription = deps.confirmSubscription ?? visitOverHttps

  /**
   * Requests whose signature verified. `normalize` reads any well-formed message (the dry run
   * shows what a refused one would yield), but acts outside the process, by confirming a
   * subscription, only for a request in here.
   */
  const verified = new WeakSet<InboundRequest>()

  /**
   * Full authentication: the offline checks, then the signature against the certificate its
   * `SigningCertURL` names. A mismatch is a verdict; a certificate that cannot be fetched throws
   * `SigningKeyUnavailableError` (a 5xx, so SNS retries the delivery later).
   */
  const authenticate = async (
    request: InboundRequest,
    options: AwsSnsOptions,
    now: Date,
  ): Promise<AuthVerdict> => {
    const checked = checkMessage(request, options, now)
    if (!checked.ok) return checked.verdict
    const { message } = checked
    const url = signingCertificateUrl(message.SigningCertURL) as URL
    let certificate: Awaited<ReturnType<typeof certificates.get>>
    try {
      certificate = await certificates.get(url)
    } catch (error) {
      throw new SigningKeyUnavailableError(
        `could not fetch the SNS signing certificate from ${url.hostname}`,
        { cause: error },
      )
    }
    if (!certificate) {
      return { ok: false, code: 'signature_invalid', detail: 'SigningCertURL has no certificate' }
    }
    if (!signatureMatches(message, certificate)) {
      return {
        ok: false,
        code: 'signature_invalid',
        detail: `Signature does not match (SignatureVersion ${message.SignatureVersion})`,
      }
    }
    verified.add(request)
    return { ok: true }
  }

  const confirm = async (
    message: SnsConfirmation,
    options: AwsSnsOptions,
    signatureVerified: boolean,
    dryRun: boolean,
  ): Promise<SourceResult> => {
    const subscribeUrl = snsUrl(message.SubscribeURL)
    if (!subscribeUrl) {
      throw new AuthenticationError('signature_invalid', 'SubscribeURL is not an https SNS URL')
    }
    const report = (subscription: string, extra: Record<string, string> = {}): SourceResult => ({
      kind: 'reply',
      type: 'aws-sns.subscription-confirmation',
      reply: {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          subscription,
          topicArn: message.TopicArn,
          subscribeUrl: subscribeUrl.href,
          ...extra,
        }),
        // The operator confirms by visiting this URL; the log is where they will look for it.
        log: { subscription, topicArn: message.TopicArn, subscribeUrl: subscribeUrl.href },
      },
    })
    if (!options.autoConfirm || !signatureVerified) return report('pending_confirmation')
    if (dryRun) return report('pending_confirmation', { detail: 'a real delivery would confirm' })
    try {
      await confirmSubscription(subscribeUrl)
      return report('confirmed')
    } catch {
      // SNS does not resend a confirmation: report it, and let the operator confirm by hand.
      return report('confirmation_failed', { detail: 'visit subscribeUrl to confirm' })
    }
  }

  const notify = (message: SnsNotification, options: AwsSnsOptions): SourceResult => {
    const alarm = cloudWatchAlarmIn(message.Message)
    if (alarm) {
      const draft = draftFromAlarm(alarm, message, options.severity)
      const state = alarm.NewStateValue.toLowerCase()
      if (!draft) {
        return {
          kind: 'ignored',
          type: 'aws-sns.cloudwatch-alarm',
          reason: `alarm state ${alarm.NewStateValue} neither fires nor resolves`,
        }
      }
      return {
        kind: 'alerts',
        type: `aws-sns.cloudwatch-alarm.${state === 'alarm' ? 'alarm' : 'ok'}`,
        deliveryId: message.MessageId,
        alerts: [draft],
      }
    }
    if (options.otherMessages === 'ignore') {
      return {
        kind: 'ignored',
        type: 'aws-sns.notification',
        reason: 'not a CloudWatch alarm, and the route ignores other messages',
      }
    }
    const firstLine = message.Message.split('\n', 1)[0]?.trim()
    return {
      kind: 'alerts',
      type: 'aws-sns.notification',
      deliveryId: message.MessageId,
      alerts: [
        {
          alert: {
            // A message of unknown shape has no identity beyond itself.
            key: `sns:${message.TopicArn}:${message.MessageId}`,
            status: 'firing',
            severity: options.severity,
            title: message.Subject || firstLine || `SNS message ${message.MessageId}`,
            description: message.Message,
            occurredAt: message.Timestamp,
            labels: { topicArn: message.TopicArn },
          },
          raw: message,
        },
      ],
    }
  }

  return {
    id: 'aws-sns',
    description: 'AWS SNS HTTP(S) subscriptions (signature v1/v2), CloudWatch alarms understood',
    needsRouteAuth: false,
    // AWS signs with its own key; the route's secret plays no part.
    needsSecret: false,

    verify(request, { options, now }) {
      return authenticate(request, options, now)
    },

    async normalize(request, { options, dryRun = false }) {
      // Ingest calls this only after `verify` accepted the request; it only reads the message.
      const message = validatePayload(SnsMessageSchema, parseJsonBody(request.body), 'SNS message')
      switch (message.Type) {
        case 'SubscriptionConfirmation':
          return confirm(message, options, verified.has(request), dryRun)
        case 'UnsubscribeConfirmation':
          return {
            kind: 'ignored',
            type: 'aws-sns.unsubscribe-confirmation',
            reason: `unsubscribed from ${message.TopicArn}`,
          }
        case 'Notification':
          return notify(message, options)
      }
    },
  }
}

/** The SNS source with the default https certificate fetch, as the registry serves it. */
export const awsSnsSource = createAwsSnsSource()
