import {
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  SQSClient,
} from '@aws-sdk/client-sqs'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { PayloadError, QueueError } from '../../../shared/errors.js'
import { createSqsEventQueue, fifoGroupId } from '../../../shared/queue/sqs-event-queue.js'
import { envelopeFor } from '../../support/aws/envelopes.js'

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/halo-hooks.fifo'
const sqsMock = mockClient(SQSClient)
const noSleep = async () => {}

const inputs = () =>
  sqsMock
    .commandCalls(SendMessageBatchCommand)
    .map((call) => call.args[0].input as SendMessageBatchCommandInput)

beforeEach(() => {
  sqsMock.reset()
})

describe('createSqsEventQueue', () => {
  const queue = () => createSqsEventQueue(new SQSClient({}), QUEUE_URL, { sleep: noSleep })
  const envelopes = (count: number) =>
    Array.from({ length: count }, (_, index) => envelopeFor({ id: `env-${index}` }))

  it('sends FIFO entries: group = route:key, deduplication id = envelope id, body = envelope', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] })
    const envelope = envelopeFor()

    await queue().send([envelope])

    const [input] = inputs()
    expect(input?.QueueUrl).toBe(QUEUE_URL)
    expect(input?.Entries).toEqual([
      {
        Id: '0',
        MessageBody: JSON.stringify(envelope),
        MessageGroupId: 'example-hmac:disk-full:web-1',
        MessageDeduplicationId: 'env-1',
      },
    ])
  })

  it('splits 23 envelopes into calls of at most ten', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({})

    await queue().send(envelopes(23))

    expect(inputs().map((input) => input.Entries?.length)).toEqual([10, 10, 3])
  })

  it('splits a batch whose bodies would exceed the size limit', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({})
    const big = (id: string) => envelopeFor({ id, raw: { blob: 'x'.repeat(400_000) } })

    await queue().send([big('a'), big('b'), big('c')])

    expect(inputs().map((input) => input.Entries?.length)).toEqual([2, 1])
  })

  it('refuses an envelope larger than an SQS message with a 413 error, sending nothing', async () => {
    const huge = envelopeFor({ raw: { blob: 'x'.repeat(1_100_000) } })

    const attempt = queue().send([envelopeFor(), huge])

    await expect(attempt).rejects.toSatisfy(
      (error) => error instanceof PayloadError && error.code === 'payload_too_large',
    )
    expect(inputs()).toEqual([])
  })

  it('retries only the entries SQS reported as failed', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }],
        Successful: [{ Id: '0', MessageId: 'm0', MD5OfMessageBody: '' }],
      })
      .resolves({})

    await queue().send(envelopes(2))

    const [first, second] = inputs()
    expect(first?.Entries?.map((entry) => entry.Id)).toEqual(['0', '1'])
    expect(second?.Entries?.map((entry) => entry.MessageDeduplicationId)).toEqual(['env-1'])
  })

  it('throws QueueError when an entry still fails after the last attempt', async () => {
    sqsMock.on(SendMessageBatchCommand).resolves({
      Failed: [{ Id: '0', Code: 'InternalError', SenderFault: false }],
    })

    const attempt = queue().send(envelopes(1))

    await expect(attempt).rejects.toSatisfy(
      (error) => error instanceof QueueError && error.code === 'queue_unavailable',
    )
    expect(inputs()).toHaveLength(3)
  })

  it('throws QueueError (keeping the cause) when the SDK call itself keeps failing', async () => {
    const outage = Object.assign(new Error('service unavailable'), { name: 'ServiceUnavailable' })
    sqsMock.on(SendMessageBatchCommand).rejects(outage)

    const attempt = queue().send(envelopes(2))

    await expect(attempt).rejects.toSatisfy(
      (error) => error instanceof QueueError && (error as Error).cause === outage,
    )
  })

  it('recovers when a failed call succeeds on retry', async () => {
    sqsMock.on(SendMessageBatchCommand).rejectsOnce(new Error('socket hang up')).resolves({})

    await queue().send(envelopes(2))

    expect(inputs()).toHaveLength(2)
  })
})

describe('fifoGroupId', () => {
  it('keeps route:key when SQS accepts it', () => {
    expect(fifoGroupId(envelopeFor())).toBe('example-hmac:disk-full:web-1')
  })

  it('hashes keys that are too long or hold characters SQS refuses, stably', () => {
    const long = envelopeFor({ alert: { ...envelopeFor().alert, key: 'k'.repeat(200) } })
    const spaced = envelopeFor({ alert: { ...envelopeFor().alert, key: 'disk full on wéb-1' } })

    for (const envelope of [long, spaced]) {
      const id = fifoGroupId(envelope)
      expect(id).toMatch(/^[\x21-\x7e]{1,128}$/)
      expect(fifoGroupId(structuredClone(envelope))).toBe(id)
    }
    expect(fifoGroupId(long)).not.toBe(fifoGroupId(spaced))
  })
})
