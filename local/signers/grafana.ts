import type { GrafanaOptions } from '../../shared/sources/grafana/grafana-options.js'
import { grafanaSignature } from '../../shared/sources/grafana/grafana-signature.js'
import type { Signer } from './signer.js'

/**
 * Signs like Grafana's webhook contact point with "HMAC signature" configured: hex HMAC-SHA256
 * of the body (or of `"<unix seconds>:<body>"` with a timestamp header) in the configured header.
 */
export const signGrafana: Signer = ({ body, secret, url, now, options }) => {
  const { hmac } = options as GrafanaOptions
  if (!hmac) throw new Error('the grafana route sets neither auth nor options.hmac')
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  const bytes = Buffer.from(body)
  if (hmac.timestampHeader) {
    const timestamp = String(Math.floor(now.getTime() / 1000))
    headers[hmac.timestampHeader] = timestamp
    headers[hmac.header] = grafanaSignature(secret, bytes, timestamp)
  } else {
    headers[hmac.header] = grafanaSignature(secret, bytes)
  }
  return { headers, url }
}
