import { createServer, request as httpRequest, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What DynamoDB was asked and what it would bill, per operation. */
export type DynamoDbTally = {
  /** Calls per operation (`GetItem`, `PutItem`...), the refused ones included. */
  calls: Record<string, number>
  /** Read and write request units, as DynamoDB reported them with ReturnConsumedCapacity. */
  readUnits: number
  writeUnits: number
  /**
   * Conditional writes DynamoDB refused. DynamoDB Local reports no capacity for them; the real one
   * bills them like a write of the same item, so they are counted in `writeUnits` by item size.
   */
  refusedWrites: number
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems'])

const readBody = (message: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = []
    message.on('data', (chunk: Buffer) => chunks.push(chunk))
    message.on('end', () => resolve(Buffer.concat(chunks)))
    message.on('error', reject)
  })

type AttributeValue = Record<string, unknown>

/** The size DynamoDB gives an attribute value (names and values, UTF-8; numbers about half their digits). */
const valueSize = (value: AttributeValue): number => {
  const [[type, inner] = ['NULL', true]] = Object.entries(value)
  switch (type) {
    case 'S':
      return Buffer.byteLength(String(inner))
    case 'N':
      return Math.ceil(String(inner).replace(/^-|\.|e.*$/gi, '').length / 2) + 1
    case 'B':
      return Buffer.from(String(inner), 'base64').length
    case 'M':
      return 3 + itemSize(inner as Record<string, AttributeValue>)
    case 'L':
      return 3 + (inner as AttributeValue[]).reduce((sum, item) => sum + 1 + valueSize(item), 0)
    default:
      return 1
  }
}

/** An item's size as DynamoDB bills it. */
export const itemSize = (item: Record<string, AttributeValue>): number =>
  Object.entries(item).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value),
    0,
  )

/** One call through the proxy: from its request's arrival to its answer's (ms, `performance.now()`). */
export type CallSpan = { start: number; end: number }

/** How long at least one of `spans` was open (ms): the time a caller had a call outstanding. */
export const openMs = (spans: readonly CallSpan[]): number => {
  let total = 0
  let until = Number.NEGATIVE_INFINITY
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.end <= until) continue
    total += span.end - Math.max(span.start, until)
    until = span.end
  }
  return total
}

/**
 * An HTTP proxy in front of DynamoDB (Local) that asks for `ReturnConsumedCapacity: TOTAL` on every
 * request and adds up what each operation consumed, so a test can count what the code under test
 * would be billed. Point `AWS_ENDPOINT_URL_DYNAMODB` at `endpoint`. The request is changed after
 * the SDK signed it; DynamoDB Local does not check signatures.
 */
export const startCapacityProxy = async (upstream: string) => {
  const target = new URL(upstream)
  let tally: DynamoDbTally = { calls: {}, readUnits: 0, writeUnits: 0, refusedWrites: 0 }
  /** When each call was open, on this process's `performance.now()` clock. */
  let spans: CallSpan[] = []

  const server = createServer(async (incoming, outgoing) => {
    const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown'
    const start = performance.now()
    const original = await readBody(incoming)
    let body = original
    let request: Record<string, unknown> = {}
    try {
      request = JSON.parse(original.toString('utf8')) as Record<string, unknown>
      if (!('ReturnConsumedCapacity' in request)) {
        body = Buffer.from(JSON.stringify({ ...request, ReturnConsumedCapacity: 'TOTAL' }))
      }
    } catch {
      // Not JSON: pass it on as it came.
    }
    const forwarded = httpRequest(
      {
        hostname: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host, 'content-length': body.length },
      },
      async (answer) => {
        const text = await readBody(answer)
        tally.calls[operation] = (tally.calls[operation] ?? 0) + 1
        try {
          const json = JSON.parse(text.toString('utf8')) as Record<string, unknown>
          const consumed = [json.ConsumedCapacity ?? []].flat() as { CapacityUnits?: number }[]
          const units = consumed.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0)
          if (READS.has(operation)) tally.readUnits += units
          else tally.writeUnits += units
          if (String(json.__type ?? '').endsWith('ConditionalCheckFailedException')) {
            tally.refusedWrites += 1
            const item = request.Item as Record<string, AttributeValue> | undefined
            tally.writeUnits += Math.max(1, Math.ceil((item ? itemSize(item) : 0) / 1024))
          }
        } catch {
          // Not JSON: nothing to count.
        }
        spans.push({ start, end: performance.now() })
        outgoing.writeHead(answer.statusCode ?? 500, answer.headers)
        outgoing.end(text)
      },
    )
    forwarded.on('error', (error) => {
      outgoing.writeHead(502)
      outgoing.end(String(error))
    })
    forwarded.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** What was counted since the start or the last `reset`. */
    tally: (): DynamoDbTally => structuredClone(tally),
    /** The calls answered since the start or the last `reset` that began within `[from, to]`. */
    spansWithin: (from: number, to: number): CallSpan[] =>
      spans.filter((span) => span.start >= from && span.start <= to),
    reset() {
      tally = { calls: {}, readUnits: 0, writeUnits: 0, refusedWrites: 0 }
      spans = []
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
