import { execFileSync } from 'node:child_process'
import { createSign } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createIngestApp } from '../../../functions/ingest/app.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { EnvelopeSchema } from '../../../shared/envelope.js'
import { createJsonLogger } from '../../../shared/observability.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'
import { createAwsSnsSource } from '../../../shared/sources/aws-sns/aws-sns-source.js'
import type { WebhookSource } from '../../../shared/sources/webhook-source.js'

const dir = mkdtempSync(join(tmpdir(), 'sns-property-'))
execFileSync(
  'openssl',
  ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem')].concat([
    '-out',
    join(dir, 'cert.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=sns.amazonaws.com',
  ]),
  { stdio: 'ignore' },
)
const KEY = readFileSync(join(dir, 'key.pem'), 'utf8')
const CERT = readFileSync(join(dir, 'cert.pem'), 'utf8')

const ALARM = readFileSync(
  new URL('../../fixtures/aws-sns/cloudwatch-alarm.json', import.meta.url),
  'utf8',
)
const FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
const parsed = JSON.parse(ALARM) as Record<string, string>
const SIGNED = ALARM.replace(
  parsed.Signature as string,
  createSign('RSA-SHA1')
    .update(FIELDS.map((name) => `${name}\n${parsed[name]}\n`).join(''))
    .sign(KEY, 'base64'),
)

const SNS_CERT_URL = /^https:\/\/sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[^?#]*\.pem$/

const setup = () => {
  const fetched: string[] = []
  const source = createAwsSnsSource({
    fetchCertificate: async (url) => {
      fetched.push(url.href)
      return CERT
    },
    confirmSubscription: async () => {},
  })
  const compiled = compileConfig({
    routes: {
      r: {
        source: 'aws-sns',
        options: { topicArns: ['arn:aws:sns:eu-west-1:1234567890:alerta-test'], autoConfirm: true },
      },
    },
  })
  const routes = new Map(
    [...compiled.routes].map(([name, route]) => [
      name,
      { ...route, source: source as WebhookSource<unknown> },
    ]),
  )
  const queue = createMemoryEventQueue()
  const app = createIngestApp({
    routes,
    queue,
    secrets: createMemorySecretStore({ routes: { r: { current: 'unused' } } }),
    logger: createJsonLogger({ write: () => {} }),
    now: () => new Date('2019-02-15T23:55:00Z'),
  })
  return { app, queue, fetched }
}

const mutated = fc
  .tuple(fc.nat({ max: SIGNED.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }))
  .map(([at, char]) => SIGNED.slice(0, at) + char + SIGNED.slice(at + 1))

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
        const { app, queue } = setup()

        const res = await app.request('/hooks/r', {
          method: 'POST',
          body: resign(message),
          headers: { 'x-amz-sns-message-type': 'Notification' },
        })

        expect(res.status).toBeLessThan(500)
        const pending = queue.pending()
        if (res.status !== 202) expect(pending).toEqual([])
        for (const envelope of pending)
          expect(EnvelopeSchema.safeParse(envelope).success).toBe(true)
      }),
      { numRuns: 100 },
    )
  })

  it('never throws, never answers 5xx, fetches only SNS certificates, enqueues only what it accepted', async () => {
    await fc.assert(
      fc.asyncProperty(body, typeHeader, async (payload, type) => {
        const { app, queue, fetched } = setup()

        const res = await app.request('/hooks/r', {
          method: 'POST',
          body: payload,
          headers: {
            'content-type': 'text/plain; charset=UTF-8',
            ...(type === undefined ? {} : { 'x-amz-sns-message-type': type }),
          },
        })

        expect(res.status).toBeLessThan(500)
        for (const url of fetched) expect(url).toMatch(SNS_CERT_URL)
        const pending = queue.pending()
        if (res.status !== 202) expect(pending).toEqual([])
        for (const envelope of pending)
          expect(EnvelopeSchema.safeParse(envelope).success).toBe(true)
      }),
      { numRuns: 100 },
    )
  })
})
