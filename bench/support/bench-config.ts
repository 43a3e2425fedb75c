import { createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createIngestApp } from '../../functions/ingest/app.js'
import { compileConfig } from '../../shared/config/compile-config.js'
import { silentLogger } from '../../shared/observability.js'
import type { EventQueue } from '../../shared/queue/event-queue.js'
import { createMemorySecretStore } from '../../shared/secrets/memory-secret-store.js'
import type { Secrets } from '../../shared/secrets/secret-store.js'

/**
 * The routes the ingest benchmarks send to: Alertmanager with a bearer token (its own scheme) and
 * a generic sender signing each body with HMAC-SHA256, both delivering to the sandbox's client 12.
 */
export const BENCH_CONFIG = {
  routes: {
    alertmanager: {
      source: 'alertmanager',
      auth: { type: 'bearer' },
      tenant: { fallbackClientId: 12 },
    },
    'generic-hmac': {
      source: 'generic',
      auth: { type: 'hmac', header: 'x-signature', encoding: 'hex', prefix: 'sha256=' },
      alert: {
        key: '{% payload.id %}',
        status: '{% payload.status %}',
        severity: '{% payload.severity %}',
        title: '{% payload.summary %}',
        description: '{% payload.message %}',
        resource: '{% payload.host %}',
      },
      tenant: { fallbackClientId: 12 },
    },
  },
}

export const BENCH_SECRETS: Secrets = {
  routes: {
    alertmanager: { current: 'bench-alertmanager-bearer-token' },
    'generic-hmac': { current: 'bench-generic-hmac-secret' },
  },
}

export const benchCompiled = () => compileConfig(BENCH_CONFIG, 'bench')

const samplePath = (source: string) =>
  new URL(`../../local/samples/${source}.json`, import.meta.url)

/**
 * The shipped sample of `source` with a sequence number written into a free-text field, so every
 * delivery is new to the queue (no deduplication shortcut) while its alert keys stay the same, as
 * a flapping alert's repeats would.
 */
export const sequencedBody = (source: 'alertmanager' | 'generic') => {
  const text = readFileSync(samplePath(source), 'utf8')
  const [before, after] =
    source === 'alertmanager'
      ? text.split('"CPU core temperature is 34.75C"')
      : text.split('"Free space on C: is 3.2 GB (4.1%). Threshold: 5%."')
  if (before === undefined || after === undefined) {
    throw new Error(`the ${source} sample no longer has the field the benchmark varies`)
  }
  return (sequence: number) =>
    `${before}"${source === 'alertmanager' ? 'CPU core temperature is' : 'Free space on C: is'} ${sequence}"${after}`
}

/** A sender of the shipped samples: its route, and its request for a sequence number. */
export type SampleSender = {
  route: string
  name: string
  request: (sequence: number) => RequestInit
}

const alertmanagerBody = sequencedBody('alertmanager')
const genericBody = sequencedBody('generic')

/** The two samples, each delivery distinct, signed as their senders sign them. */
export const SAMPLE_SENDERS: SampleSender[] = [
  {
    route: 'alertmanager',
    name: 'Alertmanager sample (2 alerts per delivery)',
    request: (sequence) => ({
      method: 'POST',
      body: alertmanagerBody(sequence),
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${BENCH_SECRETS.routes.alertmanager?.current}`,
      },
    }),
  },
  {
    route: 'generic-hmac',
    name: 'generic sample (1 alert per delivery)',
    request: (sequence) => {
      const body = genericBody(sequence)
      const secret = BENCH_SECRETS.routes['generic-hmac']?.current as string
      const signature = createHmac('sha256', secret).update(body).digest('hex')
      return {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-signature': `sha256=${signature}` },
      }
    },
  },
]

/** The real ingest app on the bench routes, queueing into `queue`, logging nothing. */
export const benchIngestApp = (queue: EventQueue) =>
  createIngestApp({
    routes: benchCompiled().routes,
    queue,
    secrets: createMemorySecretStore(BENCH_SECRETS),
    now: () => new Date('2026-11-28T07:00:00Z'),
    logger: silentLogger,
  })
