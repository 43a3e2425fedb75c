import { createHash, randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What an operation answers: its output, or an AWS error (status 400 unless said otherwise). */
export type AwsReply =
  | { output: Record<string, unknown> }
  | { error: string; message?: string; status?: number }

type Input = Record<string, unknown>
type Responder = (input: Input) => AwsReply | Promise<AwsReply>

/**
 * A local HTTP server that speaks the AWS JSON protocols of SQS (JSON 1.0, `AmazonSQS.*`), Secrets
 * Manager (JSON 1.1, `secretsmanager.*`) and DynamoDB (JSON 1.0, `DynamoDB_20120810.*`), so the
 * official SDK clients of a bundled handler run for real (signing, serialization, retries)
 * against it. Point them at it with `AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL_SECRETS_MANAGER` or
 * `AWS_ENDPOINT_URL_DYNAMODB` (and queue URLs on its host). Operations other than SQS's answer
 * what `on` says, or an error.
 */
export type AwsStandIn = {
  /** `http://127.0.0.1:<port>` */
  url: string
  /** A queue URL on this server, as SQS would name it. */
  queueUrl(name: string): string
  /**
   * The input of every call of `operation` (`SendMessageBatch`, `GetSecretValue`...), in order,
   * as the SDK's input type of that operation says (`Shape`: the JSON protocols keep its names).
   */
  calls<Shape = Input>(operation: string): Shape[]
  /** Answers `operation` with `respond` from now on (until `reset`). */
  on(operation: string, respond: Responder | AwsReply): void
  /** Forgets the calls and every `on`. */
  reset(): void
  close(): Promise<void>
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex')

/** What SQS answers by default: every message accepted, with the checksums the SDK verifies. */
export const SQS_DEFAULTS: Record<string, Responder> = {
  SendMessage: (input) => ({
    output: { MessageId: randomUUID(), MD5OfMessageBody: md5(String(input.MessageBody ?? '')) },
  }),
  SendMessageBatch: (input) => ({
    output: {
      Successful: ((input.Entries ?? []) as Input[]).map((entry) => ({
        Id: entry.Id,
        MessageId: randomUUID(),
        MD5OfMessageBody: md5(String(entry.MessageBody ?? '')),
      })),
      Failed: [],
    },
  }),
  ChangeMessageVisibilityBatch: (input) => ({
    output: {
      Successful: ((input.Entries ?? []) as Input[]).map((entry) => ({ Id: entry.Id })),
      Failed: [],
    },
  }),
}

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Starts the stand-in on a free loopback port. */
export const startAwsStandIn = async (): Promise<AwsStandIn> => {
  const calls: Array<{ operation: string; input: Input }> = []
  const responders = new Map<string, Responder>()

  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const target = String(request.headers['x-amz-target'] ?? '')
    const [service = '', operation = ''] = target.split('.')
    const text = await readBody(request)
    const input = (text ? JSON.parse(text) : {}) as Input
    calls.push({ operation, input })
    const respond = responders.get(operation) ?? SQS_DEFAULTS[operation]
    const reply: AwsReply = respond
      ? await respond(input)
      : { error: 'UnknownOperationException', message: `the stand-in has no ${target}` }
    const contentType =
      service === 'secretsmanager' ? 'application/x-amz-json-1.1' : 'application/x-amz-json-1.0'
    if ('output' in reply) {
      response.writeHead(200, { 'content-type': contentType })
      response.end(JSON.stringify(reply.output))
      return
    }
    const namespace = `com.amazonaws.${service === 'AmazonSQS' ? 'sqs' : service.toLowerCase()}`
    response.writeHead(reply.status ?? 400, {
      'content-type': contentType,
      'x-amzn-query-error': `${reply.error};Sender`,
    })
    response.end(
      JSON.stringify({ __type: `${namespace}#${reply.error}`, message: reply.message ?? '' }),
    )
  }

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' })
      response.end(JSON.stringify({ __type: 'InternalFailure', message: String(error) }))
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url,
    queueUrl: (name) => `${url}/123456789012/${name}`,
    calls: <Shape>(operation: string) =>
      calls.filter((call) => call.operation === operation).map((call) => call.input as Shape),
    on(operation, respond) {
      responders.set(operation, typeof respond === 'function' ? respond : () => respond)
    },
    reset() {
      calls.length = 0
      responders.clear()
    },
    close: () =>
      new Promise<void>((closed, failed) => {
        server.closeAllConnections()
        server.close((error) => (error ? failed(error) : closed()))
      }),
  }
}

/**
 * The environment that points the SDK clients of a handler at `standIn`: its endpoints, a region
 * and static credentials (the Lambda runtime provides them the same way, from the environment).
 */
export const standInEnv = (standIn: Pick<AwsStandIn, 'url'>): Record<string, string> => ({
  AWS_ENDPOINT_URL_SQS: standIn.url,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: standIn.url,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'local', // letters and digits only: DynamoDB Local refuses others
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
})
