import { createSign } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createSnsHarness,
  signSnsMessage,
  snsKeyPair,
} from '../../support/sources/aws-sns-harness.js'
import { assertLenientBeyondEssentials } from '../../support/sources/lenience-properties.js'
import { readFixture } from '../../support/sources/source-harness.js'
import {
  expectNoServerErrorNorStrayEnvelope,
  expectValidEnvelopes,
  PROPERTY_RUNS,
  withOneCharReplaced,
} from '../../support/sources/source-properties.js'

const { key: KEY, cert: CERT } = snsKeyPair('signer')

const ALARM = readFixture('aws-sns', 'cloudwatch-alarm.json')
const FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
const parsed = JSON.parse(ALARM) as Record<string, string>
const SIGNED = signSnsMessage(ALARM, KEY)

const SNS_CERT_URL = /^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[^?#]*\.pem$/

const setup = () =>
  createSnsHarness({
    now: new Date('2019-02-15T23:55:00Z'),
    options: { topicArns: ['arn:aws:sns:eu-west-1:1234567890:alerta-test'], autoConfirm: true },
    cert: CERT,
  })

const mutated = withOneCharReplaced(SIGNED)

/**
 * The signed fields and the ones SNS's protocol needs, and in a CloudWatch alarm's `Message` what
 * the key (ARN, else account and name) and status (new state) come from.
 */
const ESSENTIAL = [
  ...FIELDS,
  'SignatureVersion',
  'Signature',
  'SigningCertURL',
  'Message.AlarmName',
  'Message.AlarmArn',
  'Message.AWSAccountId',
  'Message.NewStateValue',
]

/** Each sample, with its `Message` parsed when it holds JSON, and a clock its Timestamp fits. */
const LENIENCE_SAMPLES: Record<string, { now: string; sample: Record<string, unknown> }> =
  Object.fromEntries(
    (
      [
        ['cloudwatch-alarm.json', '2019-02-15T23:55:00Z'],
        ['cloudwatch-insufficient-data.json', '2019-05-13T08:42:00Z'],
        ['notification.json', '2012-05-02T00:55:00Z'],
      ] as const
    ).map(([name, now]) => {
      const sample = JSON.parse(readFixture('aws-sns', name)) as Record<string, unknown>
      const message = sample.Message as string
      const decoded = message.startsWith('{') ? JSON.parse(message) : message
      return [name, { now, sample: { ...sample, Message: decoded } }]
    }),
  )

/** The signed message with one field replaced by anything, including hostile cert URLs. */
const field = fc
  .tuple(
    fc.constantFrom(
      'Type',
      'MessageId',
      'TopicArn',
      'Message',
      'Timestamp',
      'SignatureVersion',
      'Signature',
      'SigningCertURL',
      'Subject',
    ),
    fc.oneof(
      fc.jsonValue(),
      fc.constantFrom(
        'https://sns.eu-west-1.amazonaws.com/x.pem',
        'https://sns.eu-west-1.amazonaws.com.evil/x.pem',
        'http://169.254.169.254/x.pem',
        'SubscriptionConfirmation',
        '2',
        '{"AlarmName":"a","NewStateValue":"OK","StateChangeTime":"garbage+9999"}',
      ),
    ),
  )
  .map(([name, value]) => JSON.stringify({ ...(JSON.parse(SIGNED) as object), [name]: value }))

const body = fc.oneof(fc.string(), fc.json(), mutated, field, fc.constant(SIGNED))
const typeHeader = fc.oneof(
  fc.constantFrom('Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'),
  fc.stringMatching(/^[\x20-\x7e]{0,20}$/),
  fc.constant(undefined),
)

/** Re-signs the sample around a random `Message`, so normalization itself is exercised. */
const resign = (message: string) => {
  const next: Record<string, string> = { ...parsed, Message: message }
  const signature = createSign('RSA-SHA1')
    .update(FIELDS.map((name) => `${name}\n${next[name]}\n`).join(''))
    .sign(KEY, 'base64')
  return JSON.stringify({ ...next, Signature: signature })
}

const alarmish = fc
  .record(
    {
      AlarmName: fc.oneof(fc.string({ maxLength: 300 }), fc.jsonValue()),
      AlarmDescription: fc.oneof(fc.string(), fc.constant(null)),
      AWSAccountId: fc.string(),
      NewStateValue: fc.oneof(fc.constantFrom('ALARM', 'OK', 'INSUFFICIENT_DATA'), fc.string()),
      StateChangeTime: fc.oneof(fc.string(), fc.constant('2019-02-15T23:53:45.093+0000')),
      AlarmArn: fc.oneof(fc.string(), fc.constant('arn:aws:cloudwatch:x:1:alarm:a')),
      Trigger: fc.oneof(
        fc.jsonValue(),
        fc.record({
          Dimensions: fc.array(fc.record({ name: fc.string(), value: fc.jsonValue() })),
        }),
      ),
    },
    { requiredKeys: [] },
  )
  .map((alarm) => JSON.stringify(alarm))

describe('aws-sns source under random input', () => {
  it('normalizes any correctly signed message without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(alarmish, fc.string(), fc.json()), async (message) => {
        const { queue, send } = setup()

        const res = await send(resign(message), {
          headers: { 'x-amz-sns-message-type': 'Notification' },
        })

        expectNoServerErrorNorStrayEnvelope(res, queue)
        expectValidEnvelopes(queue)
      }),
      PROPERTY_RUNS,
    )
  })

  it('never throws, never answers 5xx, fetches only SNS certificates, enqueues only what it accepted', async () => {
    await fc.assert(
      fc.asyncProperty(body, typeHeader, async (payload, type) => {
        const { queue, send, fetched } = setup()

        const res = await send(payload, {
          headers: {
            'content-type': 'text/plain; charset=UTF-8',
            ...(type === undefined ? {} : { 'x-amz-sns-message-type': type }),
          },
        })

        expectNoServerErrorNorStrayEnvelope(res, queue)
        for (const url of fetched) expect(url).toMatch(SNS_CERT_URL)
        expectValidEnvelopes(queue)
      }),
      PROPERTY_RUNS,
    )
  })

  it('accepts a signed sample whatever type its non-essential fields hold, keeping key and status', async () => {
    await assertLenientBeyondEssentials({
      essential: ESSENTIAL,
      samples: Object.fromEntries(
        Object.entries(LENIENCE_SAMPLES).map(([name, { sample }]) => [name, sample]),
      ),
      deliver: async (value, name) => {
        const { queue, send } = createSnsHarness({
          now: new Date(LENIENCE_SAMPLES[name]?.now ?? 0),
          options: { topicArns: [parsed.TopicArn, 'arn:aws:sns:us-west-2:123456789012:MyTopic'] },
          cert: CERT,
        })
        const { Message, ...rest } = value as Record<string, unknown>
        const text = typeof Message === 'string' ? Message : JSON.stringify(Message)
        const body = signSnsMessage(JSON.stringify({ ...rest, Message: text }), KEY)
        const response = await send(body, {
          headers: {
            'content-type': 'text/plain; charset=UTF-8',
            'x-amz-sns-message-type': 'Notification',
          },
        })
        return { response, queue }
      },
    })
  })
})
