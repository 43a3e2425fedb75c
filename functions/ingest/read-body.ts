import { IncomingMessage } from 'node:http'
import { PayloadError } from '../../shared/errors.js'

// Reads a request body up to `limit` bytes. A declared Content-Length over the limit is refused
// before reading; a streamed body is cut off as soon as it passes the limit, so an oversized
// upload never sits in memory whole. Two ways in, the same rules: the Node request itself when
// @hono/node-server serves the app (`npm start`), read once as its chunks arrive, with no web
// stream built over it; the Web `Request` otherwise (Lambda, `app.request` in tests).

const tooLarge = (limit: number) =>
  new PayloadError('payload_too_large', `body exceeds ${limit} bytes`)

/** Refuses a compressed body, and a declared length over the limit, before reading a byte. */
const checkDeclared = (
  encodingHeader: string | null | undefined,
  lengthHeader: string | null | undefined,
  limit: number,
) => {
  // Signatures cover the bytes as sent; no sender we know compresses, so say so plainly.
  const encoding = encodingHeader?.trim().toLowerCase()
  if (encoding && encoding !== 'identity') {
    throw new PayloadError(
      'media_unsupported',
      `Content-Encoding ${encoding.slice(0, 32)} is not supported: send the body uncompressed`,
    )
  }
  if (Number(lengthHeader ?? Number.NaN) > limit) throw tooLarge(limit)
}

/** Reads a Web `Request`'s body under the cap (throws `PayloadError`, 413 or 415). */
export const readBody = async (request: Request, limit: number): Promise<Uint8Array> => {
  checkDeclared(
    request.headers.get('content-encoding'),
    request.headers.get('content-length'),
    limit,
  )
  if (!request.body) return new Uint8Array()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel()
      throw tooLarge(limit)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

/**
 * The Node request @hono/node-server hands the app in `c.env.incoming`, when its body is still
 * unread; `undefined` anywhere else (Lambda, `app.request`, HTTP/2), where the Web path applies.
 */
export const unreadNodeRequest = (env: unknown): IncomingMessage | undefined => {
  const incoming = (env as { incoming?: unknown } | undefined)?.incoming
  return incoming instanceof IncomingMessage && !incoming.readableDidRead ? incoming : undefined
}

/**
 * Reads a Node request's body under the cap, as its chunks arrive (throws `PayloadError`: 413,
 * 415, or 400 when the request ends before its body does). Past the cap it stops reading at
 * once and leaves the rest to the server (which drains or closes the connection after the
 * answer), as the Web path's cancel does.
 */
export const readNodeBody = (incoming: IncomingMessage, limit: number): Promise<Uint8Array> => {
  const { headers } = incoming
  checkDeclared(headers['content-encoding'], headers['content-length'], limit)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    // Methods, not named arrow functions: a bundle built with keepNames (and tsx) renames every
    // named function it makes with a defineProperty, about 1.5 µs a request for these four.
    const reading = {
      stop() {
        incoming.off('data', reading.onData)
        incoming.off('end', reading.onEnd)
        incoming.off('error', reading.onEarlyEnd)
        incoming.off('close', reading.onEarlyEnd)
      },
      onData(chunk: Buffer) {
        size += chunk.byteLength
        if (size > limit) {
          reading.stop()
          incoming.pause()
          reject(tooLarge(limit))
          return
        }
        chunks.push(chunk)
      },
      onEnd() {
        reading.stop()
        resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size))
      },
      onEarlyEnd() {
        reading.stop()
        reject(new PayloadError('body_invalid', 'the request ended before its body was complete'))
      },
    }
    incoming.on('data', reading.onData)
    incoming.on('end', reading.onEnd)
    incoming.on('error', reading.onEarlyEnd)
    incoming.on('close', reading.onEarlyEnd)
  })
}
