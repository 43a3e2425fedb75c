import { SQS_DEFAULTS, startAwsStandIn } from './aws-stand-in.js'
import type { ChildReply, ParentMessage, SdkCall } from './lambda-process.js'

// One bundled handler in a process of its own, as Lambda runs it: the parent sends events over
// IPC and gets back what each invocation cost (wall and CPU time, log bytes, SDK calls). SQS and
// Secrets Manager are a stand-in on loopback that the bundle's own SDK clients call (with a
// latency), DynamoDB is whatever AWS_ENDPOINT_URL_DYNAMODB points at, and Halo is reached with
// the real fetch.

const env = process.env
const latency = (name: string) => Number(env[name] ?? 0)
const sleep = (ms: number) => (ms > 0 ? new Promise((done) => setTimeout(done, ms)) : undefined)

const calls: SdkCall[] = []
const record = (call: SdkCall) => {
  calls.push(call)
}

const secrets = JSON.parse(env.METER_SECRETS ?? '{}') as Record<string, string>
const standIn = await startAwsStandIn()
// Read by the bundle's clients when they are made, at its import (after this).
env.AWS_ENDPOINT_URL_SQS = standIn.url
env.AWS_ENDPOINT_URL_SECRETS_MANAGER = standIn.url
// The SDK sends to a queue URL's own host: the queues move onto the stand-in's.
for (const name of ['QUEUE_URL', 'DEAD_LETTER_QUEUE_URL']) {
  const url = env[name]
  if (url) env[name] = `${standIn.url}${new URL(url).pathname}`
}
standIn.on('GetSecretValue', async (input) => {
  await sleep(latency('METER_SECRETS_LATENCY_MS'))
  record({ service: 'secretsmanager', command: 'GetSecretValue', input })
  const value = secrets[String(input.SecretId ?? '')]
  if (value === undefined) {
    return { error: 'ResourceNotFoundException', message: `no secret ${input.SecretId}` }
  }
  return { output: { SecretString: value, ARN: input.SecretId, Name: input.SecretId } }
})
for (const command of ['SendMessageBatch', 'SendMessage', 'ChangeMessageVisibilityBatch']) {
  const answer = SQS_DEFAULTS[command]
  if (!answer) continue
  standIn.on(command, async (input) => {
    await sleep(latency('METER_SQS_LATENCY_MS'))
    record({ service: 'sqs', command, input })
    return answer(input)
  })
}

// Halo requests and the bytes they carry out (request line, headers and body).
const realFetch = globalThis.fetch
globalThis.fetch = async (input, init) => {
  const url = String(input instanceof Request ? input.url : input)
  const headers = Object.entries((init?.headers ?? {}) as Record<string, string>)
  const body = typeof init?.body === 'string' ? Buffer.byteLength(init.body) : 0
  const bytes =
    Buffer.byteLength(`${init?.method ?? 'GET'} ${url} HTTP/1.1\r\n`) +
    headers.reduce((sum, [name, value]) => sum + name.length + String(value).length + 4, 0) +
    body
  record({
    service: 'halo',
    command: `${init?.method ?? 'GET'} ${new URL(url).pathname}${new URL(url).search}`,
    bytes,
  })
  return realFetch(input, init)
}

// What the function prints is what CloudWatch Logs ingests: count it instead of printing it.
let logLines: string[] = []
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  for (const line of text.split('\n')) if (line.length > 0) logLines.push(line)
  const done = rest.find((value) => typeof value === 'function') as (() => void) | undefined
  done?.()
  return true
}) as typeof process.stdout.write

const reply = (message: ChildReply) => process.send?.(message)

/** Runs `work` and says what it took: wall and CPU time, and what it logged and called. */
const measured = async <T>(work: () => Promise<T>) => {
  calls.length = 0
  logLines = []
  const cpu = process.cpuUsage()
  const started = performance.now()
  const value = await work()
  const wallMs = performance.now() - started
  const used = process.cpuUsage(cpu)
  return {
    value,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    logLines,
    calls: [...calls],
    rssBytes: process.memoryUsage().rss,
  }
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>
let handler: Handler | undefined

process.on('message', async (message: ParentMessage) => {
  try {
    if (message.type === 'init') {
      const result = await measured(async () => (await import(message.bundleUrl)).handler)
      handler = result.value as Handler
      const { value: _, ...cost } = result
      reply({ type: 'ready', cost })
      return
    }
    if (message.type === 'invoke') {
      if (!handler) throw new Error('invoke before init')
      const deadline = Date.now() + message.timeoutMs
      const context = {
        callbackWaitsForEmptyEventLoop: false,
        functionName: message.functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${message.functionName}`,
        memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? '128',
        awsRequestId: message.requestId,
        logGroupName: `/aws/lambda/${message.functionName}`,
        logStreamName: '2026/12/01/[$LATEST]metered',
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      }
      const run = handler
      const { value, ...cost } = await measured(() => run(message.event, context))
      reply({ type: 'result', response: value, cost })
    }
  } catch (error) {
    reply({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    })
  }
})

reply({ type: 'started' })
