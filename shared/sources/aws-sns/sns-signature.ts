import { verify, X509Certificate } from 'node:crypto'
import type { SnsMessage } from './schema.js'

/** SNS signing hosts: `sns.<region>.amazonaws.com`, or `.com.cn` in the China regions. */
const SNS_HOST = /^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/

/** Fields each message type signs, in the byte order SNS uses to build the string. */
const SIGNED_FIELDS: Record<SnsMessage['Type'], readonly string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
  UnsubscribeConfirmation: [
    'Message',
    'MessageId',
    'SubscribeURL',
    'Timestamp',
    'Token',
    'TopicArn',
    'Type',
  ],
}

/**
 * An https URL on an SNS host, or undefined. This is the SSRF guard: only such URLs are ever
 * fetched (certificates) or visited (subscription confirmation).
 */
export const snsUrl = (raw: string): URL | undefined => {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return undefined
  }
  const plain = url.protocol === 'https:' && url.port === '' && !url.username && !url.password
  return plain && SNS_HOST.test(url.hostname) ? url : undefined
}

/** The certificate URL when it is an SNS https URL to a `.pem` file, else undefined. */
export const signingCertificateUrl = (raw: string): URL | undefined => {
  const url = snsUrl(raw)
  return url?.pathname.endsWith('.pem') && !url.search ? url : undefined
}

/**
 * The string SNS signs: `name\nvalue\n` for each signed field present, in byte order.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 */
export const stringToSign = (message: SnsMessage): string => {
  const fields = message as unknown as Record<string, unknown>
  return SIGNED_FIELDS[message.Type]
    .filter((name) => typeof fields[name] === 'string')
    .map((name) => `${name}\n${fields[name] as string}\n`)
    .join('')
}

/** Version 1 is SHA1withRSA, version 2 SHA256withRSA; anything else is not SNS. */
export const digestFor = (version: string): 'sha1' | 'sha256' | undefined =>
  version === '1' ? 'sha1' : version === '2' ? 'sha256' : undefined

/** Checks the message's RSA signature with the certificate's public key; never throws. */
export const signatureMatches = (message: SnsMessage, certificate: X509Certificate): boolean => {
  const digest = digestFor(message.SignatureVersion)
  if (!digest) return false
  try {
    return verify(
      digest,
      Buffer.from(stringToSign(message), 'utf8'),
      certificate.publicKey,
      Buffer.from(message.Signature, 'base64'),
    )
  } catch {
    return false
  }
}

/**
 * Fetches a signing certificate (PEM). Resolves undefined when the host answered that there is
 * no such certificate (4xx); rejects when it could not be reached (the sender should retry).
 */
export type FetchCertificate = (url: URL) => Promise<string | undefined>

const MAX_CERTIFICATE_BYTES = 16_384

/** The default certificate fetch: https only, no redirects, 5 s timeout, 16 KiB at most. */
export const fetchCertificateOverHttps: FetchCertificate = async (url) => {
  const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) })
  if (response.status >= 400 && response.status < 500) return undefined
  if (!response.ok) throw new Error(`${url.hostname} answered ${response.status}`)
  const text = await response.text()
  return text.length > MAX_CERTIFICATE_BYTES ? undefined : text
}

/**
 * A small cache of parsed certificates by URL, in front of `fetchCertificate`. SNS signs every
 * message of a region with the same certificate for months, so a warm function fetches it once.
 * Concurrent requests share one fetch; failures are not cached.
 */
export const createCertificateCache = (fetchCertificate: FetchCertificate, maxEntries = 32) => {
  const cache = new Map<string, Promise<X509Certificate | undefined>>()
  return {
    get(url: URL): Promise<X509Certificate | undefined> {
      const cached = cache.get(url.href)
      if (cached) return cached
      const loading = fetchCertificate(url).then((pem) => {
        if (pem === undefined) return undefined
        try {
          return new X509Certificate(pem)
        } catch {
          return undefined
        }
      })
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string)
      cache.set(url.href, loading)
      // Neither a missing certificate nor a failed fetch is remembered: the next message retries.
      loading.then(
        (certificate) => {
          if (!certificate) cache.delete(url.href)
        },
        () => cache.delete(url.href),
      )
      return loading
    },
  }
}
