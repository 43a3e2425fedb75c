import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs'
import { PARKED_ATTRIBUTE } from '../shared/aws-env.js'
import { envelopeKey } from '../shared/envelope.js'
import { EnvelopeSchema } from '../shared/envelope-schema.js'
import { replayLocal } from './replay-local.js'

const USAGE = `npm run replay -- [options]
  Previews the dead-letter queue, then (with --yes) moves its messages back to the delivery
  queue, at most --rate messages per second: in AWS with SQS StartMessageMoveTask (with your AWS
  credentials), or with --local through the local gateway's replay endpoint.

  --local [url]      the local gateway (npm start) instead of AWS
                     [$HALO_HOOKS_URL, else http://127.0.0.1:8787]
  --stack <name>     stack whose queues to use (found by name prefix) [HaloHooks]
  --dlq <url>        dead-letter queue URL (instead of --stack)
  --queue <url>      delivery queue URL (instead of --stack)
  --sample <n>       messages to show in the preview (max 10) [10]
  --rate <n>         messages moved per second (1-500) [5]
  --yes              move them (without it nothing is moved: a dry run)
  --wait             with --yes: wait until the move task finishes (--local: until each
                     replayed envelope has a new outcome)`

export type ReplayOptions = {
  /** The local gateway's URL, when replaying locally. */
  local?: string
  stack: string
  dlq?: string
  queue?: string
  sample: number
  rate: number
  yes: boolean
  wait: boolean
}

export const parseReplayArgs = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): ReplayOptions => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      local: { type: 'boolean', default: false },
      stack: { type: 'string', default: 'HaloHooks' },
      dlq: { type: 'string' },
      queue: { type: 'string' },
      sample: { type: 'string', default: '10' },
      rate: { type: 'string', default: '5' },
      yes: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  })
  if (positionals.length > (values.local ? 1 : 0)) {
    throw new RangeError(`unexpected argument ${positionals.at(-1)}: only --local takes a URL`)
  }
  if (values.local && argv.some((arg) => /^--(stack|dlq|queue)\b/.test(arg))) {
    throw new RangeError(
      '--local replays the local gateway: --stack, --dlq and --queue are for AWS',
    )
  }
  const sample = Number(values.sample)
  const rate = Number(values.rate)
  if (!Number.isInteger(sample) || sample < 0 || sample > 10) {
    throw new RangeError('--sample must be an integer from 0 to 10')
  }
  if (!Number.isInteger(rate) || rate < 1 || rate > 500) {
    throw new RangeError('--rate must be an integer from 1 to 500 (SQS allows up to 500)')
  }
  return {
    ...(values.local
      ? { local: positionals[0] ?? env.HALO_HOOKS_URL ?? 'http://127.0.0.1:8787' }
      : {}),
    stack: values.stack,
    dlq: values.dlq,
    queue: values.queue,
    sample,
    rate,
    yes: values.yes,
    wait: values.wait,
  }
}

/** The one queue whose name starts with `prefix` (CDK names queues `<stack>-<path><hash>`). */
const findQueue = async (sqs: SQSClient, prefix: string): Promise<string> => {
  const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }))
  if (QueueUrls.length !== 1) {
    throw new Error(
      `expected one queue named ${prefix}*, found ${QueueUrls.length}: pass --dlq and --queue`,
    )
  }
  return QueueUrls[0] as string
}

const attributes = async (sqs: SQSClient, url: string) =>
  (
    await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages'],
      }),
    )
  ).Attributes ?? {}

const describe = (body: string | undefined): string => {
  let json: unknown
  try {
    json = JSON.parse(body ?? '')
  } catch {
    return '(not an envelope)'
  }
  const read = EnvelopeSchema.safeParse(json)
  if (read.success) {
    const envelope = read.data
    const status = envelope.v === 1 ? ` ${envelope.alert.status}` : ''
    return `${envelope.id} route=${envelope.route} key=${envelopeKey(envelope)}${status}`
  }
  const loose = json as { id?: unknown; route?: unknown } | null
  return `${loose?.id} route=${loose?.route} (not an envelope this version reads)`
}

/**
 * `npm run replay`: preview the DLQ (ids, routes, keys and why each was parked; never payloads),
 * then with `--yes` start a rate-capped SQS message move task back to the delivery queue.
 * Resolves with the exit code.
 */
export const runReplay = async (
  argv: readonly string[],
  /** The SQS client, or how to make one (not made for `--local`). */
  sqsClient: SQSClient | (() => SQSClient),
  out: (line: string) => void,
  sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms)),
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> => {
  if (argv.includes('--help')) {
    out(USAGE)
    return 0
  }
  const options = parseReplayArgs(argv, env)
  if (options.local !== undefined) {
    return replayLocal({ ...options, local: options.local }, out, sleep)
  }
  const sqs = typeof sqsClient === 'function' ? sqsClient() : sqsClient
  const dlqUrl = options.dlq ?? (await findQueue(sqs, `${options.stack}-DeliveryDlq`))
  const queueUrl = options.queue ?? (await findQueue(sqs, `${options.stack}-DeliveryQueue`))
  const [dlq, queue] = await Promise.all([attributes(sqs, dlqUrl), attributes(sqs, queueUrl)])
  const waiting = Number(dlq.ApproximateNumberOfMessages ?? 0)
  out(`dead-letter queue ${dlqUrl}: about ${waiting} message(s)`)
  if (waiting === 0) {
    out('nothing to replay')
    return 0
  }

  if (options.sample > 0) {
    // Peek: received messages are released again straight away.
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: options.sample,
        VisibilityTimeout: 30,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
    )
    for (const message of Messages) {
      const reason =
        message.MessageAttributes?.[PARKED_ATTRIBUTE.reason]?.StringValue ??
        'moved by SQS after too many receives (no reason recorded)'
      out(`  ${describe(message.Body)}\n    why: ${reason}`)
    }
    if (Messages.length) {
      await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: dlqUrl,
          Entries: Messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      )
    }
  }

  if (!options.yes) {
    out(`dry run: nothing moved. Fix the cause, then run again with --yes to move them back to`)
    out(`${queueUrl} at ${options.rate}/s.`)
    return 0
  }
  const { TaskHandle } = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: dlq.QueueArn,
      DestinationArn: queue.QueueArn,
      MaxNumberOfMessagesPerSecond: options.rate,
    }),
  )
  out(`move task started (${options.rate}/s): ${TaskHandle}`)
  if (!options.wait) return 0
  for (;;) {
    await sleep(2_000)
    const { Results = [] } = await sqs.send(
      new ListMessageMoveTasksCommand({ SourceArn: dlq.QueueArn, MaxResults: 1 }),
    )
    const task = Results[0]
    out(`  ${task?.Status}: ${task?.ApproximateNumberOfMessagesMoved ?? 0} moved`)
    if (task?.Status === 'COMPLETED') return 0
    if (task?.Status !== 'RUNNING') {
      out(`move task ended ${task?.Status}: ${task?.FailureReason ?? 'no reason given'}`)
      return 1
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runReplay(
    process.argv.slice(2),
    () => new SQSClient({}),
    (line) => process.stdout.write(`${line}\n`),
  )
    .then((code) => {
      process.exitCode = code
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
      process.exitCode = 1
    })
}
