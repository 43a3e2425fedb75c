import { describe, expect, it } from 'vitest'
import { pendingAlerts } from '../../support/envelopes.js'
import {
  createSnsHarness,
  signSnsMessage,
  snsKeyPair,
} from '../../support/sources/aws-sns-harness.js'
import {
  answer,
  definedHeaders,
  expectRejected,
  fixtureReader,
  postDryRun,
  postToRoute,
} from '../../support/sources/source-harness.js'

const fixture = fixtureReader('aws-sns')

const AWS = snsKeyPair('signer')
const OTHER = snsKeyPair('other')

/** Re-signs a published sample in place: only its Signature (and version) bytes change. */
const sign = (body: string, key = AWS.key, version: '1' | '2' = '1'): string =>
  signSnsMessage(body, key, version)

const TOPICS = [
  'arn:aws:sns:us-west-2:123456789012:MyTopic',
  'arn:aws:sns:eu-west-1:1234567890:alerta-test',
]

type Setup = {
  now: string
  options?: Record<string, unknown>
  certificates?: Record<string, string | undefined | Error>
}

const setup = ({ now, options = {}, certificates = {} }: Setup) => {
  const { app, queue, fetched, confirmed } = createSnsHarness({
    now: new Date(now),
    options: { topicArns: TOPICS, ...options },
    cert: AWS.cert,
    certificates,
  })
  /** The headers SNS derives from a message, with `changes` applied (`undefined` removes one). */
  const snsHeaders = (body: string, changes: Record<string, string | undefined>) => {
    const message = JSON.parse(body) as Record<string, string>
    return definedHeaders({
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': message.Type,
      'x-amz-sns-message-id': message.MessageId,
      'x-amz-sns-topic-arn': message.TopicArn,
      ...changes,
    })
  }
  /** Posts a message with the headers SNS derives from it; `undefined` removes one. */
  const post = (body: string, headers: Record<string, string | undefined> = {}) =>
    postToRoute(app, body, { headers: snsHeaders(body, headers) })
  /** Sends the same request to the route's dry run instead. */
  const dryRun = (body: string, headers: Record<string, string | undefined> = {}) =>
    postDryRun(app, body, { headers: snsHeaders(body, headers) })
  return { queue, post, dryRun, fetched, confirmed }
}

const ALARM = fixture('cloudwatch-alarm.json')
const ALARM_AT = '2019-02-15T23:55:00Z'
const NOTIFICATION = fixture('notification.json')
const NOTIFICATION_AT = '2012-05-02T00:55:00Z'

describe('aws-sns source', () => {
  it('accepts a CloudWatch ALARM signed with SignatureVersion 1 and enqueues a firing alert', async () => {
    const { queue, post } = setup({ now: ALARM_AT })

    const res = await post(sign(ALARM))

    expect(res.status).toBe(202)
    const [envelope, ...rest] = pendingAlerts(queue)
    expect(rest).toEqual([])
    expect(envelope).toMatchObject({
      type: 'aws-sns.cloudwatch-alarm.alarm',
      deliveryId: 'e288882d-4281-5be4-8fde-dccc11c8cb01',
    })
    expect(envelope?.alert).toMatchObject({
      key: 'cloudwatch:1234567890:bucketbytesAlarm',
      status: 'firing',
      severity: 'high',
      title: 'bucketbytesAlarm: bucket bytes size exceeded',
      occurredAt: '2019-02-15T23:53:45.093Z',
      resource: 'StorageType=StandardStorage, BucketName=try.alerta.io',
      tenant: { id: '1234567890' },
      labels: { namespace: 'AWS/S3', metricName: 'BucketSizeBytes', BucketName: 'try.alerta.io' },
    })
  })

  it('accepts SignatureVersion 2 (SHA256)', async () => {
    const { queue, post } = setup({ now: ALARM_AT })

    const res = await post(sign(ALARM, AWS.key, '2'))

    expect(res.status).toBe(202)
    expect(pendingAlerts(queue)).toHaveLength(1)
  })

  it('resolves the same key when the alarm returns to OK', async () => {
    const { queue, post } = setup({ now: ALARM_AT })
    const ok = ALARM.replace(
      '\\"NewStateValue\\":\\"ALARM\\"',
      '\\"NewStateValue\\":\\"OK\\"',
    ).replace('"MessageId" : "e288882d', '"MessageId" : "f288882d')

    await post(sign(ALARM))
    await post(sign(ok))

    const [fired, resolved] = pendingAlerts(queue)
    expect(resolved?.type).toBe('aws-sns.cloudwatch-alarm.ok')
    expect(resolved?.alert.status).toBe('resolved')
    expect(resolved?.alert.key).toBe(fired?.alert.key)
  })

  it('keys an alarm by its AlarmArn when CloudWatch sends one', async () => {
    const { queue, post } = setup({ now: ALARM_AT })
    const arn = 'arn:aws:cloudwatch:eu-west-1:1234567890:alarm:bucketbytesAlarm'
    const body = ALARM.replace(
      '\\"Region\\":\\"EU (Ireland)\\",',
      `\\"Region\\":\\"EU (Ireland)\\",\\"AlarmArn\\":\\"${arn}\\",`,
    )

    await post(sign(body))

    expect(pendingAlerts(queue)[0]?.alert).toMatchObject({
      key: arn,
      url: expect.stringContaining('https://eu-west-1.console.aws.amazon.com/cloudwatch/'),
    })
  })

  it('acknowledges INSUFFICIENT_DATA with 200 and a reason', async () => {
    const { queue, post } = setup({ now: '2019-05-13T08:42:00Z' })

    const res = await post(sign(fixture('cloudwatch-insufficient-data.json')))

    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      ignored: expect.stringContaining('INSUFFICIENT_DATA'),
    })
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('turns any other notification into one alert keyed by its MessageId', async () => {
    const { queue, post } = setup({ now: NOTIFICATION_AT })

    const res = await post(sign(NOTIFICATION))

    expect(res.status).toBe(202)
    expect(pendingAlerts(queue)[0]).toMatchObject({
      type: 'aws-sns.notification',
      alert: {
        key: 'sns:arn:aws:sns:us-west-2:123456789012:MyTopic:22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
        title: 'My First Message',
        description: 'Hello world!',
        status: 'firing',
      },
    })
  })

  it('rejects a body with one byte changed after signing, and enqueues nothing', async () => {
    const { queue, post } = setup({ now: ALARM_AT })

    const res = await post(sign(ALARM).replace('bucketbytesAlarm\\",', 'bucketbytesAlarn\\",'))

    await expectRejected(res, queue, 401, 'signature_invalid')
  })

  it('rejects a changed signature', async () => {
    const { queue, post } = setup({ now: ALARM_AT })
    const body = sign(ALARM)
    const signature = (JSON.parse(body) as { Signature: string }).Signature
    const flipped = (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11)

    const res = await post(body.replace(signature, signature.slice(0, 10) + flipped))

    await expectRejected(res, queue, 401)
  })

  it('rejects a message signed with another key (the wrong secret, for SNS)', async () => {
    const { queue, post } = setup({ now: ALARM_AT })

    const res = await post(sign(ALARM, OTHER.key))

    await expectRejected(res, queue, 401, 'signature_invalid')
  })

  it('rejects a SHA256 signature that claims SignatureVersion 1', async () => {
    const { queue, post } = setup({ now: ALARM_AT })
    const v2 = sign(ALARM, AWS.key, '2')

    const res = await post(v2.replace('"SignatureVersion" : "2"', '"SignatureVersion" : "1"'))

    await expectRejected(res, queue, 401)
  })

  it('rejects a replay outside the tolerance as timestamp_invalid, before fetching anything', async () => {
    const { queue, post, fetched } = setup({ now: '2019-02-16T01:00:00Z' })

    const res = await post(sign(ALARM))

    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: 'timestamp_invalid' })
    expect(fetched).toEqual([])
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('honours a wider tolerance from the route options', async () => {
    const { post } = setup({ now: '2019-02-16T01:00:00Z', options: { toleranceSeconds: 7200 } })

    expect((await post(sign(ALARM))).status).toBe(202)
  })

  it('rejects a request without the x-amz-sns-message-type header', async () => {
    const { queue, post } = setup({ now: ALARM_AT })

    const res = await post(sign(ALARM), { 'x-amz-sns-message-type': undefined })

    await expectRejected(res, queue, 401, 'signature_missing')
  })

  it('rejects a topic the route does not list, even when AWS signed it', async () => {
    const { queue, post } = setup({ now: ALARM_AT, options: { topicArns: [TOPICS[0]] } })

    const res = await post(sign(ALARM))

    await expectRejected(res, queue, 401, 'auth_invalid')
  })

  it.each([
    'http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-6aad65c2f9911b05cd53efda11f913f9.pem',
    'https://sns.eu-west-1.amazonaws.com.evil.example/SimpleNotificationService-1.pem',
    'https://evil.example/sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem',
    'https://sns.eu-west-1.amazonaws.com:8443/SimpleNotificationService-1.pem',
    'https://user@sns.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem',
    'https://s3.eu-west-1.amazonaws.com/SimpleNotificationService-1.pem',
    'https://sns.eu-west-1.amazonaws.com/latest/meta-data',
    'https://169.254.169.254/latest/meta-data.pem',
  ])('never fetches a certificate from %s (SSRF guard)', async (url) => {
    const { queue, post, fetched } = setup({ now: ALARM_AT })
    const original = (JSON.parse(ALARM) as { SigningCertURL: string }).SigningCertURL

    const res = await post(sign(ALARM).replace(original, url))

    expect(res.status).toBe(401)
    expect(fetched).toEqual([])
    expect(pendingAlerts(queue)).toEqual([])
  })

  it('caches the certificate between deliveries', async () => {
    const { post, fetched } = setup({ now: ALARM_AT })
    const second = ALARM.replace('"MessageId" : "e288882d', '"MessageId" : "a288882d')

    await post(sign(ALARM))
    await post(sign(second))

    expect(fetched).toHaveLength(1)
  })

  it('verifies against the certificate its SigningCertURL names (AWS key rotation)', async () => {
    const rotated = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-rotated.pem'
    const { queue, post } = setup({
      now: ALARM_AT,
      certificates: { [rotated]: OTHER.cert },
    })
    const original = (JSON.parse(ALARM) as { SigningCertURL: string }).SigningCertURL
    const second = ALARM.replace('"MessageId" : "e288882d', '"MessageId" : "b288882d')

    const old = await post(sign(ALARM))
    const renewed = await post(sign(second.replace(original, rotated), OTHER.key))

    expect([old.status, renewed.status]).toEqual([202, 202])
    expect(pendingAlerts(queue)).toHaveLength(2)
  })

  it('answers 503 signing_key_unavailable when the certificate cannot be fetched, so SNS retries later', async () => {
    const url = (JSON.parse(ALARM) as { SigningCertURL: string }).SigningCertURL
    const { queue, post } = setup({
      now: ALARM_AT,
      certificates: { [url]: new Error('connect ETIMEDOUT') },
    })

    const res = await post(sign(ALARM))

    await expectRejected(res, queue, 503, 'signing_key_unavailable')
  })

  it('rejects a message whose SNS certificate URL holds no certificate', async () => {
    const url = (JSON.parse(ALARM) as { SigningCertURL: string }).SigningCertURL
    const { queue, post } = setup({ now: ALARM_AT, certificates: { [url]: undefined } })

    const res = await post(sign(ALARM))

    await expectRejected(res, queue, 401, 'signature_invalid')
  })

  it('yields the same envelope ids when SNS redelivers a message', async () => {
    const body = sign(ALARM)
    const first = await setup({ now: ALARM_AT }).post(body)
    const second = await setup({ now: ALARM_AT }).post(body)

    expect((await answer(first)).ids).toEqual((await answer(second)).ids)
  })

  describe('subscription handshake', () => {
    const CONFIRMATION = fixture('subscription-confirmation.json')
    const CONFIRMATION_AT = '2012-04-26T20:46:00Z'
    const SUBSCRIBE_URL = (JSON.parse(CONFIRMATION) as { SubscribeURL: string }).SubscribeURL

    it('answers a verified confirmation with 200 and the SubscribeURL, visiting nothing', async () => {
      const { queue, post, confirmed } = setup({ now: CONFIRMATION_AT })

      const res = await post(sign(CONFIRMATION))

      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({
        subscription: 'pending_confirmation',
        topicArn: 'arn:aws:sns:us-west-2:123456789012:MyTopic',
        subscribeUrl: SUBSCRIBE_URL,
      })
      expect(confirmed).toEqual([])
      expect(pendingAlerts(queue)).toEqual([])
    })

    it('visits the SubscribeURL through the injected fetch when autoConfirm is on', async () => {
      const { post, confirmed } = setup({ now: CONFIRMATION_AT, options: { autoConfirm: true } })

      const res = await post(sign(CONFIRMATION))

      expect(await res.json()).toMatchObject({ subscription: 'confirmed' })
      expect(confirmed).toEqual([SUBSCRIBE_URL])
    })

    it('refuses a confirmation whose signature does not verify, and confirms nothing', async () => {
      const { post, confirmed } = setup({ now: CONFIRMATION_AT, options: { autoConfirm: true } })

      const res = await post(sign(CONFIRMATION, OTHER.key))

      expect(res.status).toBe(401)
      expect(confirmed).toEqual([])
    })

    it('refuses a confirmation whose SubscribeURL is not on an SNS host, before fetching anything', async () => {
      const { queue, post, confirmed, fetched } = setup({
        now: CONFIRMATION_AT,
        options: { autoConfirm: true },
      })
      const elsewhere = CONFIRMATION.replace(SUBSCRIBE_URL, 'https://evil.example/confirm')

      const res = await post(sign(elsewhere))

      await expectRejected(res, queue, 401, 'signature_invalid')
      expect(fetched).toEqual([])
      expect(confirmed).toEqual([])
    })

    it('acknowledges an unsubscribe confirmation with 200 and a reason', async () => {
      const { queue, post } = setup({ now: '2012-04-26T20:07:00Z' })

      const res = await post(sign(fixture('unsubscribe-confirmation.json')))

      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ ignored: expect.stringContaining('unsubscribed') })
      expect(pendingAlerts(queue)).toEqual([])
    })
  })

  describe('dry run', () => {
    type DryRun = { authenticated: boolean; rejected?: { code: string }; alerts?: unknown[] }
    const dryRunOf = async (response: Response): Promise<DryRun> => {
      expect(response.status).toBe(200)
      return (await response.json()) as DryRun
    }

    it('reports a genuine message as authenticated', async () => {
      const { dryRun, queue } = setup({ now: ALARM_AT })

      const result = await dryRunOf(await dryRun(sign(ALARM)))

      expect(result).toMatchObject({ authenticated: true })
      expect(result.rejected).toBeUndefined()
      expect(pendingAlerts(queue)).toEqual([])
    })

    it('reports a message signed with another key as not authenticated (signature_invalid)', async () => {
      const { dryRun, queue } = setup({ now: ALARM_AT })

      const result = await dryRunOf(await dryRun(sign(ALARM, OTHER.key)))

      expect(result).toMatchObject({
        authenticated: false,
        rejected: { code: 'signature_invalid' },
      })
      expect(pendingAlerts(queue)).toEqual([])
    })

    it('reports an unreachable certificate as signing_key_unavailable instead of failing', async () => {
      const url = (JSON.parse(ALARM) as { SigningCertURL: string }).SigningCertURL
      const { dryRun } = setup({
        now: ALARM_AT,
        certificates: { [url]: new Error('connect ETIMEDOUT') },
      })

      const result = await dryRunOf(await dryRun(sign(ALARM)))

      expect(result).toMatchObject({
        authenticated: false,
        rejected: { code: 'signing_key_unavailable' },
      })
    })

    it('never confirms a subscription in a dry run, even one that verifies', async () => {
      const { dryRun, confirmed } = setup({
        now: '2012-04-26T20:46:00Z',
        options: { autoConfirm: true },
      })

      const result = await dryRunOf(await dryRun(sign(fixture('subscription-confirmation.json'))))

      expect(result).toMatchObject({ authenticated: true })
      expect(confirmed).toEqual([])
    })

    it('never confirms a subscription whose signature does not verify', async () => {
      const { dryRun, confirmed } = setup({
        now: '2012-04-26T20:46:00Z',
        options: { autoConfirm: true },
      })

      const result = await dryRunOf(
        await dryRun(sign(fixture('subscription-confirmation.json'), OTHER.key)),
      )

      expect(result).toMatchObject({
        authenticated: false,
        rejected: { code: 'signature_invalid' },
      })
      expect(confirmed).toEqual([])
    })
  })
})
