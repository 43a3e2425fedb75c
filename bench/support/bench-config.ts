import { readFileSync } from 'node:fs'
import { compileConfig } from '../../shared/config/compile-config.js'
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
