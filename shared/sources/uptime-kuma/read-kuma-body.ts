import { PayloadError } from '../../errors.js'
import { parseJsonBody } from '../parse-body.js'
import type { InboundRequest } from '../webhook-source.js'

/**
 * Reads Uptime Kuma's body in either of its encodings: JSON (the default), or
 * `multipart/form-data` with the same JSON in a `data` field ("Request Body: form-data").
 */
export const readKumaBody = async (request: InboundRequest): Promise<unknown> => {
  const contentType = request.headers['content-type'] ?? ''
  if (!/^multipart\/form-data/i.test(contentType)) return parseJsonBody(request.body)
  let form: FormData
  try {
    form = await new Response(Buffer.from(request.body), {
      headers: { 'content-type': contentType },
    }).formData()
  } catch {
    throw new PayloadError('body_invalid', 'body is not valid multipart/form-data')
  }
  const data = form.get('data')
  if (typeof data !== 'string') {
    throw new PayloadError('payload_invalid', 'Uptime Kuma form-data failed validation', [
      'data: expected a form field holding the JSON payload',
    ])
  }
  return parseJsonBody(new TextEncoder().encode(data))
}
