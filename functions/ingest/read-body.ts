import { PayloadError } from '../../shared/errors.js'

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length over the limit is refused
 * before reading; a streamed body is cut off as soon as it passes the limit, so an oversized
 * upload never sits in memory whole.
 */
export const readBody = async (request: Request, limit: number): Promise<Uint8Array> => {
  // Signatures cover the bytes as sent; no sender we know compresses, so say so plainly.
  const encoding = request.headers.get('content-encoding')?.trim().toLowerCase()
  if (encoding && encoding !== 'identity') {
    throw new PayloadError(
      'media_unsupported',
      `Content-Encoding ${encoding.slice(0, 32)} is not supported: send the body uncompressed`,
    )
  }
  const tooLarge = () => new PayloadError('payload_too_large', `body exceeds ${limit} bytes`)
  const declared = Number(request.headers.get('content-length') ?? Number.NaN)
  if (declared > limit) throw tooLarge()
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
      throw tooLarge()
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}
