import { createHmac, createSign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createIngestApp } from '../../../functions/ingest/app.js'
import { signRequest } from '../../../local/sign-request.js'
import { type CompiledRoute, compileConfig } from '../../../shared/config/compile-config.js'
import { createJsonLogger } from '../../../shared/observability.js'
import { createMemoryEventQueue } from '../../../shared/queue/memory-event-queue.js'
import { createMemorySecretStore } from '../../../shared/secrets/memory-secret-store.js'
import type { Secrets } from '../../../shared/secrets/secret-store.js'
import { createAwsSnsSource } from '../../../shared/sources/aws-sns/aws-sns-source.js'
import type { WebhookSource } from '../../../shared/sources/webhook-source.js'
import { snsKeyPair } from '../../support/sources/aws-sns-harness.js'

/** The clock every request is signed and received at. */
export const NOW = new Date('2026-11-28T07:00:00Z')

const SNS_TOPIC = 'arn:aws:sns:eu-west-1:1234567890:alerta-test'

/**
 * One route per sender, each authenticated the way that sender can be: its own signature scheme
 * where it has one, else a route `auth` of the kind its docs suggest.
 */
const ROUTES = {
  generic: {
    source: 'generic',
    auth: { type: 'hmac', header: 'x-signature', encoding: 'hex', prefix: 'sha256=' },
    options: { deliveryIdHeader: 'x-delivery-id' },
    alert: {
      key: '{% payload.id %}',
      status: '{% payload.status %}',
      severity: '{% payload.severity %}',
      title: '{% payload.summary %}',
      description: '{% payload.message %}',
      resource: '{% payload.host %}',
    },
  },
  github: { source: 'github' },
  'standard-webhooks': {
    source: 'standard-webhooks',
    alert: {
      key: 'contact:{% payload.data.id %}',
      title: '{% payload.type %} {% payload.data.fullName %}',
    },
  },
  slack: { source: 'slack' },
  sentry: { source: 'sentry' },
  pagerduty: { source: 'pagerduty' },
  jira: { source: 'jira' },
  'microsoft-graph': { source: 'microsoft-graph' },
  'datto-rmm': { source: 'datto-rmm', auth: { type: 'query', param: 'token' } },
  ninjaone: { source: 'ninjaone', auth: { type: 'header', header: 'x-ninja-token' } },
  'aws-sns': { source: 'aws-sns', options: { topicArns: [SNS_TOPIC] } },
  alertmanager: { source: 'alertmanager', auth: { type: 'bearer' } },
  grafana: {
    source: 'grafana',
    options: { hmac: { header: 'x-grafana-alert-signature', timestampHeader: 'x-grafana-ts' } },
  },
  'azure-monitor': { source: 'azure-monitor', auth: { type: 'query', param: 'token' } },
  'uptime-kuma': { source: 'uptime-kuma', auth: { type: 'bearer' } },
  uptimerobot: { source: 'uptimerobot', auth: { type: 'query', param: 'token' } },
  zabbix: { source: 'zabbix', auth: { type: 'basic', username: 'zabbix' } },
  halo: { source: 'halo', auth: { type: 'basic', username: 'halo-hooks' } },
  heartbeat: {
    source: 'heartbeat',
    auth: { type: 'query', param: 'token' },
    heartbeat: { expectEveryMinutes: 60 },
  },
} as const

export type SenderName = keyof typeof ROUTES
export const SENDERS = Object.keys(ROUTES) as SenderName[]

/** The routes, each delivering to the sandbox's client 12 when its alert names no known client. */
export const EVERY_SENDER_CONFIG = {
  routes: Object.fromEntries(
    SENDERS.map((name) => [name, { ...ROUTES[name], tenant: { fallbackClientId: 12 } }]),
  ) as { [Name in SenderName]: (typeof ROUTES)[Name] & { tenant: { fallbackClientId: number } } },
}

/** A distinct, recognisable current and previous secret per route. */
const secretFor = (route: string, which: 'current' | 'previous') =>
  route === 'microsoft-graph' && which === 'current'
    ? 'secretClientValue' // Graph's secret travels as clientState inside the (published) sample
    : route === 'standard-webhooks'
      ? `whsec_${Buffer.from(`hostile-${which}-${route}-0123456789`).toString('base64')}`
      : `hostile-${which}-secret-for-${route}-9f3b1c`

export const SECRETS: Secrets = {
  halo: { clientId: 'hostile-halo-client', clientSecret: 'hostile-halo-client-secret-77d2' },
  routes: Object.fromEntries(
    SENDERS.map((route) => [
      route,
      { current: secretFor(route, 'current'), previous: secretFor(route, 'previous') },
    ]),
  ),
}

/** Every configured secret value (route signing secrets and the Halo client secret). */
export const secretValues = (): string[] => [
  ...Object.values(SECRETS.routes).flatMap((s) => [s.current, ...(s.previous ? [s.previous] : [])]),
  ...(SECRETS.halo ? [SECRETS.halo.clientSecret] : []),
]

/** The pair whose certificate the injected fetch answers for every SNS URL. */
const snsKeys = () => snsKeyPair('signer')
/** A second pair: what a forger who is not AWS could sign with. */
const forgerKeys = () => snsKeyPair('other')

/**
 * Signs an SNS message as AWS does (the developer guide's string to sign, RSA-SHA1 for
 * SignatureVersion 1), written here independently of the source's verifier.
 */
export const signSnsMessage = (message: Record<string, string>, key = snsKeys().key): string => {
  const fields = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
  const text = fields
    .filter((name) => typeof message[name] === 'string')
    .map((name) => `${name}\n${message[name]}\n`)
    .join('')
  return createSign('RSA-SHA1').update(text).sign(key, 'base64')
}

export const sample = (source: string): string =>
  readFileSync(new URL(`../../../local/samples/${source}.json`, import.meta.url), 'utf8')

/**
 * An SNS message re-timed to `now` and re-signed with the throwaway key (the signature lives in
 * the body). The three fields are replaced in the text itself, so whatever else the body holds
 * (however deeply nested) is sent byte for byte; a body without them is re-serialised with them.
 * A body that is not a JSON object is sent as it is: nothing in it can be signed.
 */
const snsBody = (body: string, now: Date, key?: string): string => {
  let message: Record<string, string>
  try {
    message = JSON.parse(body) as Record<string, string>
  } catch {
    return body
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return body
  message.Timestamp = now.toISOString()
  message.SignatureVersion = '1'
  message.Signature = signSnsMessage(message, key)
  const fields = ['Timestamp', 'SignatureVersion', 'Signature'] as const
  const patterns = fields.map((name) => new RegExp(`"${name}"\\s*:\\s*"[^"]*"`))
  if (!patterns.every((pattern) => pattern.test(body))) return JSON.stringify(message)
  return fields.reduce(
    (text, name, index) =>
      text.replace(patterns[index] as RegExp, () => `"${name}":${JSON.stringify(message[name])}`),
    body,
  )
}

/**
 * `signRequest`, except for a GitHub body that is JSON but not an object: the `npm run send`
 * signer throws on those (see the report of issue 7), so they are signed here as GitHub would.
 */
const signWith = (route: CompiledRoute, input: Parameters<typeof signRequest>[1]) => {
  try {
    return signRequest(route, input)
  } catch (error) {
    if (route.source.id !== 'github') throw error
    const signature = createHmac('sha256', input.secret).update(input.body).digest('hex')
    return {
      url: input.url,
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
        'x-hub-signature-256': `sha256=${signature}`,
      },
    }
  }
}

export type Sent = { path: string; headers: Record<string, string>; body: string }

/**
 * The compiled routes of EVERY_SENDER_CONFIG, with the SNS route's certificate fetch injected (no
 * network): it answers the throwaway certificate for any SNS host URL and records what was asked.
 */
export const everySenderRoutes = () => {
  const compiled = compileConfig(EVERY_SENDER_CONFIG)
  const certificateFetches: string[] = []
  const confirmations: string[] = []
  const sns = createAwsSnsSource({
    fetchCertificate: async (url) => {
      certificateFetches.push(url.href)
      return snsKeys().cert
    },
    confirmSubscription: async (url) => {
      confirmations.push(url.href)
    },
  })
  const routes = new Map<string, CompiledRoute>(
    [...compiled.routes].map(([name, route]) => [
      name,
      name === 'aws-sns' ? { ...route, source: sns as WebhookSource<unknown> } : route,
    ]),
  )
  return { compiled: { ...compiled, routes }, routes, certificateFetches, confirmations }
}

/**
 * Makes requests as each sender would: its sample (or `body`) signed with the route secret at
 * `now`, or with `forgedSecret` instead (for SNS: signed with a key that is not AWS's; for Graph:
 * the body's clientState replaced, since Graph's secret travels in the body).
 */
export const signerFor =
  (routes: ReadonlyMap<string, CompiledRoute>, now: () => Date = () => NOW) =>
  (
    route: SenderName,
    body = sample(EVERY_SENDER_CONFIG.routes[route].source),
    forgedSecret?: string,
  ): Sent => {
    const compiledRoute = routes.get(route) as CompiledRoute
    const secret = forgedSecret ?? (SECRETS.routes[route]?.current as string)
    const at = now()
    const sent =
      route === 'aws-sns'
        ? snsBody(body, at, forgedSecret === undefined ? undefined : forgerKeys().key)
        : route === 'microsoft-graph' && forgedSecret !== undefined
          ? body.replaceAll(
              '"clientState":"secretClientValue"',
              JSON.stringify({ clientState: forgedSecret }).slice(1, -1),
            )
          : body
    const { headers, url } = signWith(compiledRoute, {
      body: sent,
      secret,
      url: new URL(`http://ingest.test/hooks/${route}`),
      now: at,
    })
    if (route === 'aws-sns' && sent !== body) {
      const message = JSON.parse(sent) as Record<string, unknown>
      if (typeof message.MessageId === 'string') headers['x-amz-sns-message-id'] = message.MessageId
      if (typeof message.TopicArn === 'string') headers['x-amz-sns-topic-arn'] = message.TopicArn
    }
    return { path: `${url.pathname}${url.search}`, headers, body: sent }
  }

/** The real ingest app with a route per sender, the memory queue and secrets, logs captured. */
export const everySenderApp = (options: { maxMessages?: number } = {}) => {
  const { routes, certificateFetches, confirmations } = everySenderRoutes()
  const queue = createMemoryEventQueue(
    options.maxMessages ? { maxMessages: options.maxMessages } : {},
  )
  const logs: string[] = []
  const app = createIngestApp({
    routes,
    queue,
    secrets: createMemorySecretStore(SECRETS),
    now: () => NOW,
    logger: createJsonLogger({ level: 'debug', write: (line) => logs.push(line) }),
  })
  const signed = signerFor(routes)

  const post = (sent: Sent, method = 'POST') =>
    app.request(sent.path, {
      method,
      headers: sent.headers,
      ...(method === 'GET' || method === 'HEAD' ? {} : { body: sent.body }),
    })

  return { app, queue, logs, routes, signed, post, certificateFetches, confirmations }
}
