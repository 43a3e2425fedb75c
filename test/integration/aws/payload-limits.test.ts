import { createHmac } from 'node:crypto'
import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  SendMessageCommand,
  type SendMessageCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { createIngestApp } from '../../../functions/ingest/app.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { ConfigError } from '../../../shared/errors.js'
import { createJsonLogger } from '../../../shared/observability.js'
import {
  EVENT_RESERVE_BYTES,
  LAMBDA_MAX_INVOKE_BYTES,
  MAX_BODY_BYTES,
  MAX_ENVELOPE_BYTES,
  PARK_ATTRIBUTES_RESERVE_BYTES,
  QUEUE_MAX_MESSAGE_BYTES,
} from '../../../shared/payload-limits.js'
import { sqsBatchMessage } from '../../../shared/queue/sqs-batch-message.js'
import { createSqsBatchQueue } from '../../../shared/queue/sqs-batch-queue.js'
import { createSqsEventQueue } from '../../../shared/queue/sqs-event-queue.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'
import { envelopeFor } from '../../support/aws/envelopes.js'
import { httpApiEvent, sqsFifoRecord } from '../../support/aws/lambda-events.js'

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/halo-hooks.fifo'
const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/halo-hooks-dlq.fifo'
const SECRET = 'route-signing-secret'
const sqsMock = mockClient(SQSClient)
const silent = createJsonLogger({ level: 'error', write: () => {} })

/** Three UTF-8 bytes per character: the widest a JSON string of text gets without escapes. */
const wide = (characters: number) => '€'.repeat(characters)

/** A generic route at the largest body cap whose alert copies every capped text from the body. */
const route = {
  source: 'generic',
  auth: { type: 'hmac', header: 'x-signature', encoding: 'hex', prefix: 'sha256=' },
  maxBodyBytes: MAX_BODY_BYTES,
  alert: {
    key: '{% payload.id %}',
    title: '{% payload.title %}',
    description: '{% payload.text %}',
    url: '{% payload.url %}',
    resource: '{% payload.host %}',
  },
  ticket: { summary: '{% alert.title %}', client_id: 1 },
}

/** A body of exactly `bytes` bytes whose fields fill every capped alert text at 3 bytes each. */
const widestBody = (bytes: number): string => {
  const fields = {
    id: `k${wide(200)}`,
    title: wide(500),
    text: wide(100_000),
    url: `https://x/${wide(2_048)}`,
    host: wide(255),
    padding: '',
  }
  const base = Buffer.byteLength(JSON.stringify(fields))
  return JSON.stringify({ ...fields, padding: 'p'.repeat(bytes - base) })
}

const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`

const sentBodies = () =>
  sqsMock
    .commandCalls(SendMessageBatchCommand)
    .flatMap((call) => (call.args[0].input as SendMessageBatchCommandInput).Entries ?? [])
    .map((entry) => entry.MessageBody ?? '')

beforeEach(() => {
  sqsMock.reset()
  sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] })
  sqsMock.on(SendMessageCommand).resolves({})
})

describe('the body size cap (MAX_BODY_BYTES)', () => {
  it('is refused above its maximum, naming the limits it protects', () => {
    const attempt = () =>
      compileConfig({ routes: { r: { ...route, maxBodyBytes: MAX_BODY_BYTES + 1 } } })

    expect(attempt).toThrow(ConfigError)
    expect(attempt).toThrow(
      new RegExp(
        `routes\\.r\\.maxBodyBytes: at most ${MAX_BODY_BYTES} bytes.*SQS message.*Lambda invoke`,
      ),
    )
    expect(() => compileConfig({ maxBodyBytes: 6_291_456, routes: {} })).toThrow(
      /maxBodyBytes: at most/,
    )
    expect(compileConfig({ routes: { r: route } }).routes.get('r')?.maxBodyBytes).toBe(
      MAX_BODY_BYTES,
    )
  })

  it('queues a body at the cap whose alert fills every capped text, within one SQS message', async () => {
    const app = createIngestApp({
      routes: compileConfig({ routes: { r: route } }).routes,
      queue: createSqsEventQueue(new SQSClient({}), QUEUE_URL),
      secrets: createMemorySecretStore({ routes: { r: { current: SECRET } } }),
      now: () => new Date('2026-12-01T00:00:00Z'),
      logger: silent,
    })
    const body = widestBody(MAX_BODY_BYTES)
    expect(Buffer.byteLength(body)).toBe(MAX_BODY_BYTES)

    const response = await app.request('/hooks/r', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'x-signature': sign(body) },
    })

    expect(response.status).toBe(202)
    const [message] = sentBodies()
    const envelope = JSON.parse(message ?? '{}') as { alert: { description: string } }
    expect(envelope.alert.description).toHaveLength(100_000) // the alert really is at its caps
    expect(Buffer.byteLength(message ?? '')).toBeLessThanOrEqual(MAX_ENVELOPE_BYTES)
  })

  it('fits a Lambda invoke as API Gateway sends it: base64 body and 10 KiB of headers', () => {
    const body = widestBody(MAX_BODY_BYTES)
    const headers = Object.fromEntries(
      Array.from({ length: 10 }, (_, index) => [`x-header-${index}`, 'h'.repeat(1_000)]),
    )

    const event = httpApiEvent({
      path: '/hooks/r',
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
      headers: { ...headers, 'x-signature': sign(body) },
    })

    const eventBytes = Buffer.byteLength(JSON.stringify(event))
    expect(eventBytes - Buffer.byteLength(event.body ?? '')).toBeLessThan(EVENT_RESERVE_BYTES)
    expect(eventBytes).toBeLessThanOrEqual(LAMBDA_MAX_INVOKE_BYTES)
  })
})

describe('the queue envelope limit (MAX_ENVELOPE_BYTES)', () => {
  it('refuses (413) an envelope under the SQS limit that would leave no room for a park reason', async () => {
    const queue = createSqsEventQueue(new SQSClient({}), QUEUE_URL)
    const base = Buffer.byteLength(JSON.stringify(envelopeFor({ raw: '' })))
    const tooBig = envelopeFor({ raw: 'x'.repeat(MAX_ENVELOPE_BYTES - base + 1) })
    expect(Buffer.byteLength(JSON.stringify(tooBig))).toBeLessThan(QUEUE_MAX_MESSAGE_BYTES)

    await expect(queue.send([tooBig])).rejects.toMatchObject({ code: 'payload_too_large' })
    await queue.send([envelopeFor({ raw: 'x'.repeat(MAX_ENVELOPE_BYTES - base) })])
    expect(sentBodies()).toHaveLength(1)
  })

  it('parks the largest queued envelope with the longest reason within the DLQ message limit', async () => {
    const body = JSON.stringify(envelopeFor({ raw: '' }))
    const largest = body.replace(
      '"raw":""',
      `"raw":"${'x'.repeat(MAX_ENVELOPE_BYTES - Buffer.byteLength(body))}"`,
    )
    expect(Buffer.byteLength(largest)).toBe(MAX_ENVELOPE_BYTES)
    const queue = createSqsBatchQueue({
      sqs: new SQSClient({}),
      queueUrl: QUEUE_URL,
      deadLetterQueueUrl: DLQ_URL,
      logger: silent,
    })
    const message = sqsBatchMessage(
      sqsFifoRecord({ body: largest, groupId: 'g', deduplicationId: 'd', receiveCount: 1_000 }),
    )

    await queue.park(message, { action: 'park', code: 'retries_exhausted', reason: wide(5_000) })

    const [call] = sqsMock.commandCalls(SendMessageCommand)
    const input = call?.args[0].input as SendMessageCommandInput
    // SQS counts each attribute's name, data type and value in the message size.
    const attributeBytes = Object.entries(input.MessageAttributes ?? {})
      .map(([name, value]) =>
        Buffer.byteLength(`${name}${value.DataType}${value.StringValue ?? ''}`),
      )
      .reduce((sum, bytes) => sum + bytes, 0)
    expect(attributeBytes).toBeLessThanOrEqual(PARK_ATTRIBUTES_RESERVE_BYTES)
    expect(Buffer.byteLength(input.MessageBody ?? '') + attributeBytes).toBeLessThanOrEqual(
      QUEUE_MAX_MESSAGE_BYTES,
    )
  })
})
