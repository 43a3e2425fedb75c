import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs'
import { mockClient } from 'aws-sdk-client-mock'
import { beforeEach, describe, expect, it } from 'vitest'
import { runReplay } from '../../../local/replay.js'
import { checkSecret, secretTemplate } from '../../../local/secrets.js'
import { PARKED_ATTRIBUTE } from '../../../shared/aws-env.js'
import { compileConfig } from '../../../shared/config/compile-config.js'
import { parseSecrets } from '../../../shared/secrets/parse-secrets.js'
import { envelopeFor } from '../../support/aws/envelopes.js'
import handlerConfig from '../../support/aws/handler-config.js'

const sqsMock = mockClient(SQSClient)
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/HaloHooks-DeliveryDlq90A85A87-X.fifo'
const QUEUE =
  'https://sqs.eu-west-1.amazonaws.com/123456789012/HaloHooks-DeliveryQueue6A0D8ED9-Y.fifo'
const arn = (url: string) => `arn:aws:sqs:eu-west-1:123456789012:${url.split('/').at(-1)}`

beforeEach(() => {
  sqsMock.reset()
  sqsMock.on(ListQueuesCommand, { QueueNamePrefix: 'HaloHooks-DeliveryDlq' }).resolves({
    QueueUrls: [DLQ],
  })
  sqsMock.on(ListQueuesCommand, { QueueNamePrefix: 'HaloHooks-DeliveryQueue' }).resolves({
    QueueUrls: [QUEUE],
  })
  sqsMock
    .on(GetQueueAttributesCommand, { QueueUrl: DLQ })
    .resolves({ Attributes: { QueueArn: arn(DLQ), ApproximateNumberOfMessages: '2' } })
  sqsMock
    .on(GetQueueAttributesCommand, { QueueUrl: QUEUE })
    .resolves({ Attributes: { QueueArn: arn(QUEUE), ApproximateNumberOfMessages: '0' } })
  sqsMock.on(ReceiveMessageCommand).resolves({
    Messages: [
      {
        ReceiptHandle: 'r1',
        Body: JSON.stringify(envelopeFor({ raw: { secret: 'payload-value' } })),
        MessageAttributes: {
          [PARKED_ATTRIBUTE.reason]: {
            DataType: 'String',
            StringValue: 'route_unknown: route "gone" is no longer configured',
          },
        },
      },
      { ReceiptHandle: 'r2', Body: 'garbage' },
      {
        ReceiptHandle: 'r3',
        Body: JSON.stringify({
          v: 3,
          id: 'due-abc',
          route: 'example-hmac',
          source: 'timer',
          type: 'timer.due',
          receivedAt: '2026-01-01T00:00:00.000Z',
          due: { key: 'backup:nas-1', at: '2026-01-01T00:00:00.000Z' },
        }),
      },
    ],
  })
  sqsMock.on(ChangeMessageVisibilityBatchCommand).resolves({})
  sqsMock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' })
})

const run = async (argv: string[]) => {
  const lines: string[] = []
  const code = await runReplay(
    argv,
    new SQSClient({}),
    (line) => lines.push(line),
    async () => {},
  )
  return { code, text: lines.join('\n') }
}

describe('npm run replay', () => {
  it('previews parked messages with their reasons, releases them, and moves nothing by default', async () => {
    const { code, text } = await run([])

    expect(code).toBe(0)
    expect(text).toContain('about 2 message(s)')
    expect(text).toContain('route=example-hmac key=disk-full:web-1')
    expect(text).toContain('why: route_unknown: route "gone" is no longer configured')
    expect(text).toContain('(not an envelope)')
    expect(text).toContain('due-abc route=example-hmac key=backup:nas-1')
    expect(text).toContain('dry run: nothing moved')
    expect(text).not.toContain('payload-value')
    const release = sqsMock.commandCalls(ChangeMessageVisibilityBatchCommand)[0]?.args[0].input
    expect(release?.Entries?.map((entry) => entry.VisibilityTimeout)).toEqual([0, 0, 0])
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toEqual([])
  })

  it('with --yes starts a rate-capped move from the DLQ back to the delivery queue', async () => {
    const { code } = await run(['--yes', '--rate', '3'])

    expect(code).toBe(0)
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({
      SourceArn: arn(DLQ),
      DestinationArn: arn(QUEUE),
      MaxNumberOfMessagesPerSecond: 3,
    })
  })

  it('with --wait follows the task until it completes', async () => {
    sqsMock
      .on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [{ Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 1 }] })
      .resolves({ Results: [{ Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 2 }] })

    const { code, text } = await run(['--yes', '--wait', '--dlq', DLQ, '--queue', QUEUE])

    expect(code).toBe(0)
    expect(text).toContain('COMPLETED: 2 moved')
    expect(sqsMock.commandCalls(ListQueuesCommand)).toEqual([])
  })

  it('does nothing when the DLQ is empty', async () => {
    sqsMock
      .on(GetQueueAttributesCommand, { QueueUrl: DLQ })
      .resolves({ Attributes: { QueueArn: arn(DLQ), ApproximateNumberOfMessages: '0' } })

    const { code, text } = await run(['--yes'])

    expect(code).toBe(0)
    expect(text).toContain('nothing to replay')
    expect(sqsMock.commandCalls(StartMessageMoveTaskCommand)).toEqual([])
  })

  it('refuses a rate SQS would not accept', async () => {
    await expect(run(['--rate', '0'])).rejects.toThrow(/--rate/)
  })
})

describe('npm run secrets', () => {
  const { routes } = compileConfig(handlerConfig)

  it('prints a shape that parses as the secret once placeholders are filled', () => {
    const template = secretTemplate(routes.values())

    expect(() => parseSecrets(template, 'template')).not.toThrow()
    expect(JSON.parse(template).routes).toHaveProperty('alerts.current')
  })

  it('accepts a complete candidate and reports a rotation in progress', () => {
    const candidate = JSON.stringify({
      halo: { clientId: 'id', clientSecret: 'hidden-1' },
      routes: {
        alerts: { current: 'hidden-2', previous: 'hidden-3' },
        halo: { current: 'hidden-6' },
      },
    })

    const { ok, lines } = checkSecret(candidate, 'candidate.json', routes)

    expect(ok).toBe(true)
    expect(lines.join('\n')).toContain('routes.alerts: rotating')
    expect(lines.join('\n')).not.toMatch(/hidden-/)
  })

  it('names missing pieces and bad keys without printing any value', () => {
    const missing = checkSecret(JSON.stringify({ routes: {} }), 'c.json', routes)
    const bad = checkSecret(
      JSON.stringify({ routes: { alerts: { current: 'hidden-4', extra: 'hidden-5' } } }),
      'c.json',
      routes,
    )

    expect(missing.ok).toBe(false)
    expect(missing.lines.join('\n')).toMatch(/halo: missing[\s\S]*routes\.alerts: missing/)
    expect(bad.ok).toBe(false)
    expect(bad.lines.join('\n')).toContain('routes.alerts')
    expect(bad.lines.join('\n')).not.toMatch(/hidden-/)
  })
})
