import type { Context } from 'hono'
import type { InboundRequest } from '../../shared/sources/webhook-source.js'
import { headerValue } from './header-value.js'
import { readBody, readNodeBody, unreadNodeRequest } from './read-body.js'

/** The headers of a Web `Request`, as the sources see them. */
export const webHeadersOf = (headers: Headers): Record<string, string> => {
  const record: Record<string, string> = {}
  headers.forEach((value, name) => {
    record[name] = value
  })
  return record
}

/**
 * The headers of a Node request, read from its raw list into the record `webHeadersOf` makes from
 * the Web `Headers` over the same list: names lower-cased, values trimmed, repeats joined with
 * ", " (`; ` for cookie), the last `set-cookie` kept. Node's own `headers` object will not do: it
 * keeps only the first of a repeated `authorization` or `content-type`.
 */
export const nodeHeadersOf = (raw: readonly string[]): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = (raw[index] as string).toLowerCase()
    const value = headerValue(raw[index + 1] as string)
    if (name !== 'set-cookie' && Object.hasOwn(headers, name)) {
      headers[name] = `${headers[name]}${name === 'cookie' ? '; ' : ', '}${value}`
    } else {
      headers[name] = value
    }
  }
  return headers
}

/** The request as the sources see it, its body read once under the route's cap. */
export const inboundRequest = async (c: Context, limit: number): Promise<InboundRequest> => {
  const incoming = unreadNodeRequest(c.env)
  const request = c.req.raw
  const headers = incoming ? nodeHeadersOf(incoming.rawHeaders) : webHeadersOf(request.headers)
  const body = await (incoming ? readNodeBody(incoming, limit) : readBody(request, limit))
  let url: URL | undefined
  return {
    method: request.method,
    // Parsed when a source asks (a query-string token, a handshake); most never do.
    get url() {
      url ??= new URL(request.url)
      return url
    },
    headers,
    body,
  }
}
