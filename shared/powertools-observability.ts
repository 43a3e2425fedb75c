import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger'
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import { METRICS_NAMESPACE } from './aws-env.js'
import type { Logger } from './observability.js'

/**
 * A Lambda function's logger and metrics on Powertools, set up the same way for every function:
 * JSON logs with the invocation's context, and EMF metrics in the project's namespace.
 */
export const createPowertoolsObservability = (service: 'ingest' | 'deliver' | 'sweep') => {
  const powertools = new PowertoolsLogger({ serviceName: `halo-hooks-${service}` })
  const logger: Logger = {
    debug: (message, fields) => powertools.debug(message, fields ?? {}),
    info: (message, fields) => powertools.info(message, fields ?? {}),
    warn: (message, fields) => powertools.warn(message, fields ?? {}),
    error: (message, fields) => powertools.error(message, fields ?? {}),
  }
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service })
  return {
    logger,
    /** Adds the invocation's request id and function details to every log line. */
    addContext: powertools.addContext.bind(powertools),
    /** Counts `value` of `name` for this invocation's metrics. */
    count: (name: string, value = 1, dimensions: Record<string, string> = {}) => {
      const target = Object.keys(dimensions).length ? metrics.singleMetric() : metrics
      for (const [dimension, label] of Object.entries(dimensions)) {
        target.addDimension(dimension, label)
      }
      target.addMetric(name, MetricUnit.Count, value)
    },
    /** Writes the invocation's metrics (EMF) to the log. */
    flush: () => metrics.publishStoredMetrics(),
  }
}
