import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda'
import { PayloadError } from '../../shared/errors.js'
import type { InboundRequest } from '../../shared/sources/webhook-source.js'
import { headerValue } from './header-value.js'
import type { IngestAnswer, IngestEndpoints, ReadRequest } from './ingest-endpoints.js'

/**
 * A named HTTP API stage puts its name in front of `rawPath` (`/prod/hooks/x`); the endpoints
 * start at `/hooks`, so the stage prefix is removed. The `$default` stage has none, nor has a
 * function URL.
 */
const pathOf = (event: APIGatewayProxyEventV2): string => {
  const stage = event.requestContext?.stage
  const path = event.rawPath
  if (!stage || stage === '$default') return path
  const prefix = `/${stage}`
  if (path !== prefix && !path.startsWith(`${prefix}/`)) return path
  return path.slice(prefix.length) || '/'
}

/**
 * The headers as the sources see them: names lower-cased, values without surrounding HTTP
 * whitespace, the cookies (which payload v2 carries apart) joined with "; ". A value outside
 * ASCII is percent-encoded, as the Web `Headers` a Hono app reads would need it.
 */
const headersOf = (event: APIGatewayProxyEventV2): Record<string, string> => {
  const headers: Record<string, string> = {}
  if (Array.isArray(event.cookies)) headers.cookie = event.cookies.join('; ')
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (!value) continue
    headers[name.toLowerCase()] = headerValue(
      /[\u0080-\uffff]/.test(value) ? encodeURIComponent(value) : value,
    )
  }
  return headers
}

/**
 * The request of a payload v2 event, its body decoded (`isBase64Encoded`: the exact bytes the
 * sender signed) and held to the route's cap. API Gateway and function URLs hand the whole body
 * over, so its length is known before anything reads it.
 */
const readerOf =
  (event: APIGatewayProxyEventV2, method: string, path: string): ReadRequest =>
  async (limit) => {
    const headers = headersOf(event)
    // Signatures cover the bytes as sent; no sender we know compresses, so say so plainly.
    const encoding = headers['content-encoding']?.toLowerCase()
    if (encoding && encoding !== 'identity') {
      throw new PayloadError(
        'media_unsupported',
        `Content-Encoding ${encoding.slice(0, 32)} is not supported: send the body uncompressed`,
      )
    }
    const body = event.body
      ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8')
      : new Uint8Array()
    if (body.length > 0 && (method === 'GET' || method === 'HEAD')) {
      throw new PayloadError('body_invalid', `a ${method} request carries no body`)
    }
    if (body.length > limit) {
      throw new PayloadError('payload_too_large', `body exceeds ${limit} bytes`)
    }
    const host = event.requestContext?.domainName ?? headers.host ?? 'localhost'
    const query = event.rawQueryString ? `?${event.rawQueryString}` : ''
    let url: URL | undefined
    const request: InboundRequest = {
      method,
      // Parsed when a source asks (a query-string token, a handshake); most never do.
      get url() {
        url ??= new URL(`https://${host}${path}${query}`)
        return url
      },
      headers,
      body,
    }
    return request
  }

/** A path segment as a route name: percent-decoded, as a router decodes its parameters. */
const segment = (text: string): string => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

const ENDPOINT = /^\/(hooks|dry-run)\/([^/]+)$/

const resultOf = (answer: IngestAnswer, method: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: answer.status,
  headers: { 'content-type': answer.contentType, ...answer.headers },
  // A HEAD is answered as its GET would be, without the body.
  body: method === 'HEAD' ? '' : answer.body,
  isBase64Encoded: false,
})

/** Methods a Web `Request` upper-cases, as the Hono app sees them. */
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'])

const methodOf = (given: string): string => {
  const upper = given.toUpperCase()
  return NORMALIZED_METHODS.has(upper) ? upper : given
}

/**
 * Answers an API Gateway HTTP API (payload v2) or function URL event from the ingest endpoints,
 * reading the event as it is: no Web `Request` is built for it, so a cold start does not load
 * Node's fetch implementation, and no body is streamed that arrived whole. The path is matched
 * as it came, never resolved: `/hooks/../dry-run/x` is no route and no dry run.
 */
export const answerHttpEvent = async (
  event: APIGatewayProxyEventV2,
  endpoints: IngestEndpoints,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const given = event?.requestContext?.http?.method
  if (typeof given !== 'string' || typeof event.rawPath !== 'string') {
    // The stack sends payload 2.0 only: anything else is a misconfigured integration.
    const answer = endpoints.failed(
      new PayloadError(
        'body_invalid',
        'not an API Gateway HTTP API (payload format 2.0) or function URL event',
      ),
    )
    return resultOf(answer, 'POST')
  }
  const method = methodOf(given)
  try {
    const path = pathOf(event)
    const [, endpoint, name] = ENDPOINT.exec(path) ?? []
    if (endpoint === 'hooks' && name) {
      const read = readerOf(event, method, path)
      return resultOf(await endpoints.webhook(method, segment(name), read), method)
    }
    if (endpoint === 'dry-run' && name && method === 'POST') {
      const read = readerOf(event, method, path)
      return resultOf(await endpoints.dryRun(segment(name), read), method)
    }
    if (path === '/health' && (method === 'GET' || method === 'HEAD')) {
      return resultOf(endpoints.health(), method)
    }
    return resultOf(endpoints.notFound(method, path), method)
  } catch (error) {
    return resultOf(endpoints.failed(error), method)
  }
}
