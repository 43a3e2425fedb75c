import type { APIGatewayProxyEventV2, Context, SQSEvent, SQSRecord } from 'aws-lambda'

/** An API Gateway HTTP API (payload format 2.0) event as Lambda receives it. */
export const httpApiEvent = (options: {
  method?: string
  path: string
  body?: string
  headers?: Record<string, string>
  isBase64Encoded?: boolean
  stage?: string
  /** The query string as sent, without its `?`. */
  query?: string
  /** Cookies, which payload v2 carries apart from the headers. */
  cookies?: string[]
}): APIGatewayProxyEventV2 => {
  const stage = options.stage ?? '$default'
  const rawPath = stage === '$default' ? options.path : `/${stage}${options.path}`
  const method = options.method ?? 'POST'
  return {
    version: '2.0',
    routeKey: `${method} ${options.path.replace(/[^/]+$/, '{route}')}`,
    rawPath,
    rawQueryString: options.query ?? '',
    ...(options.cookies ? { cookies: options.cookies } : {}),
    headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com', ...options.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: {
        method,
        path: rawPath,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'test-sender/1.0',
      },
      requestId: 'req-1',
      routeKey: `${method} /hooks/{route}`,
      stage,
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 1_767_225_600_000,
    },
    pathParameters: { route: options.path.split('/').at(-1) ?? '' },
    body: options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  }
}

let sequence = 0

/** One record of an SQS FIFO event source batch. */
export const sqsFifoRecord = (options: {
  body: string
  groupId: string
  deduplicationId: string
  receiveCount?: number
  /** When SQS received it (ms since epoch). @default now: SQS hands out only unexpired messages */
  sentAt?: number
}): SQSRecord => {
  sequence += 1
  const sent = String(options.sentAt ?? Date.now())
  return {
    messageId: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    receiptHandle: `receipt-${sequence}`,
    body: options.body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: sent,
      SenderId: 'AROAEXAMPLE:ingest',
      ApproximateFirstReceiveTimestamp: sent,
      SequenceNumber: String(18_800_000_000_000_000_000 + sequence),
      MessageGroupId: options.groupId,
      MessageDeduplicationId: options.deduplicationId,
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:halo-hooks.fifo',
    awsRegion: 'eu-west-1',
  }
}

export const sqsEvent = (records: SQSRecord[]): SQSEvent => ({ Records: records })

export const lambdaContext = (functionName: string, remainingMs = 60_000): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: '2026/01/01/[$LATEST]abcdef',
  getRemainingTimeInMillis: () => remainingMs,
  done: () => {},
  fail: () => {},
  succeed: () => {},
})

/**
 * A request through a Lambda function URL: payload format 2.0 like the HTTP API's, with the route
 * key `$default`, the URL's own host, no stage prefix and no path parameters.
 */
export const functionUrlEvent = (options: {
  path: string
  body?: string
  headers?: Record<string, string>
  isBase64Encoded?: boolean
}): APIGatewayProxyEventV2 => {
  const host = 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws'
  const { pathParameters: _, ...event } = httpApiEvent({ ...options, method: 'POST' })
  return {
    ...event,
    routeKey: '$default',
    headers: { ...event.headers, host },
    requestContext: {
      ...event.requestContext,
      accountId: 'anonymous',
      apiId: 'abcdefghijklmnopqrstuvwxyz012345',
      domainName: host,
      domainPrefix: 'abcdefghijklmnopqrstuvwxyz012345',
      routeKey: '$default',
    },
  }
}
