import { execFileSync } from 'node:child_process'
import { createSign } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAwsSnsSource } from '../../../shared/sources/aws-sns/aws-sns-source.js'
import type { WebhookSource } from '../../../shared/sources/webhook-source.js'
import { createSourceHarness } from './source-harness.js'

/** A PEM private key and the self-signed certificate that verifies it. */
export type SnsKeyPair = { key: string; cert: string }

const generated = new Map<string, SnsKeyPair>()

/**
 * A throwaway RSA key and self-signed certificate, standing in for AWS's signing pair: the pair
 * named `name`, made once for all the test files that share this module graph (an RSA key is a
 * quarter of a second of CPU, during which a test worker waits). Two names, two pairs: one that
 * signs, and another whose signatures the first one's certificate must refuse.
 *
 * @throws when `openssl` is not on the PATH.
 */
export const snsKeyPair = (name: 'signer' | 'other'): SnsKeyPair => {
  const known = generated.get(name)
  if (known) return known
  const dir = mkdtempSync(join(tmpdir(), `sns-test-${name}-`))
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')]
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert].concat([
        '-days',
        '2',
        '-subj',
        '/CN=sns.amazonaws.com',
      ]),
      { stdio: 'ignore' },
    )
    const pair = { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') }
    generated.set(name, pair)
    return pair
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// The test signer follows the AWS developer guide on its own (it does not reuse our code):
// `name\nvalue\n` for each signed field present, in byte order, RSA-SHA1 (v1) or RSA-SHA256 (v2).
const SIGNED_FIELDS: Record<string, string[]> = {
  Notification: ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'],
  SubscriptionConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token'],
  UnsubscribeConfirmation: ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token'],
}

/**
 * Re-signs a published SNS message in place with `key`: only its Signature (and version) bytes
 * change, so the rest of the body reaches the app byte for byte.
 */
export const signSnsMessage = (body: string, key: string, version: '1' | '2' = '1'): string => {
  const message = JSON.parse(body) as Record<string, string>
  const type = message.Type as string
  const fields = [...(SIGNED_FIELDS[type] ?? [])]
  if (type !== 'Notification') fields.push('TopicArn', 'Type')
  const text = fields
    .filter((name) => typeof message[name] === 'string')
    .map((name) => `${name}\n${message[name]}\n`)
    .join('')
  const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256')
    .update(text)
    .sign(key, 'base64')
  return body
    .replace(
      `"SignatureVersion" : "${message.SignatureVersion}"`,
      `"SignatureVersion" : "${version}"`,
    )
    .replace(message.Signature as string, signature)
}

export type SnsHarnessOptions = {
  /** What the app's clock always says. */
  now: Date
  /** The route's `aws-sns` options (`topicArns`, `autoConfirm`, …). */
  options: Record<string, unknown>
  /** The certificate served for any URL not in `certificates`. */
  cert: string
  /** Answers for given certificate URLs: a PEM, nothing, or an error to throw. */
  certificates?: Record<string, string | undefined | Error>
}

/**
 * The ingest app with one `aws-sns` route `r` whose source fetches certificates from memory and
 * confirms subscriptions by recording the URL; `fetched` and `confirmed` list the URLs in order.
 */
export const createSnsHarness = ({ now, options, cert, certificates = {} }: SnsHarnessOptions) => {
  const fetched: string[] = []
  const confirmed: string[] = []
  const source = createAwsSnsSource({
    fetchCertificate: async (url) => {
      fetched.push(url.href)
      if (!Object.hasOwn(certificates, url.href)) return cert
      const answer = certificates[url.href]
      if (answer instanceof Error) throw answer
      return answer
    },
    confirmSubscription: async (url) => {
      confirmed.push(url.href)
    },
  })
  const harness = createSourceHarness({
    route: { source: 'aws-sns', options },
    // AWS signs with its own key: the route has no secret, as in a real deployment.
    secret: undefined,
    now,
    source: source as WebhookSource<unknown>,
  })
  return { ...harness, fetched, confirmed }
}
