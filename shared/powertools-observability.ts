import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger'
import type { Metrics } from '@aws-lambda-powertools/metrics'
import { METRICS_NAMESPACE } from './aws-env.js'
import type { Logger } from './observability.js'

type Count = { name: string; value: number; dimensions: Record<string, string> }

/**
 * A Lambda function's logger and metrics on Powertools, set up the same way for every function:
 * JSON logs with the invocation's context, and EMF metrics in the project's namespace. Metrics
 * load on the first count, so an instance that counts nothing never loads them.
 */
export const createPowertoolsObservability = (service: 'ingest' | 'deliver') => {
  const powertools = new PowertoolsLogger({ serviceName: `halo-hooks-${service}` })
  const logger: Logger = {
    debug: (message, fields) => powertools.debug(message, fields ?? {}),
    info: (message, fields) => powertools.info(message, fields ?? {}),
    warn: (message, fields) => powertools.warn(message, fields ?? {}),
    error: (message, fields) => powertools.error(message, fields ?? {}),
  }
  const counts: Count[] = []
  let metrics: Promise<{ metrics: Metrics; unit: 'Count' }> | undefined
  const loadMetrics = () =>
    (metrics ??= import('@aws-lambda-powertools/metrics').then((module) => ({
      metrics: new module.Metrics({ namespace: METRICS_NAMESPACE, serviceName: service }),
      unit: module.MetricUnit.Count,
    })))
  return {
    logger,
    /** Adds the invocation's request id and function details to every log line. */
    addContext: powertools.addContext.bind(powertools),
    /** Counts `value` of `name` for this invocation's metrics (written by `flush`). */
    count: (name: string, value = 1, dimensions: Record<string, string> = {}) => {
      counts.push({ name, value, dimensions })
      // Under way while the invocation goes on; a failure to load surfaces in `flush`.
      loadMetrics().catch(() => undefined)
    },
    /** Writes the invocation's metrics (EMF) to the log, if it counted any. */
    flush: async () => {
      if (counts.length === 0) return
      const { metrics, unit } = await loadMetrics()
      for (const { name, value, dimensions } of counts.splice(0)) {
        const target = Object.keys(dimensions).length ? metrics.singleMetric() : metrics
        for (const [dimension, label] of Object.entries(dimensions)) {
          target.addDimension(dimension, label)
        }
        target.addMetric(name, unit, value)
      }
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics()
    },
  }
}
