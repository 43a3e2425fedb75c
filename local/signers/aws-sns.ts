import type { Signer } from './signer.js'

/**
 * SNS signs with AWS's private key, inside the body, so no local signer can produce a message
 * that verifies: this adds the headers SNS sends, and the sample's own (published) signature
 * stays as it is. Expect `401 signature_invalid` from a real gateway; the unit tests sign with a
 * throwaway certificate instead.
 */
export const signAwsSns: Signer = ({ body, url }) => {
  let type = 'Notification'
  try {
    const parsed = JSON.parse(body) as { Type?: unknown }
    if (typeof parsed.Type === 'string') type = parsed.Type
  } catch {
    // not JSON: send it as a notification and let the gateway say why it is refused
  }
  return {
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': type },
    url,
  }
}
