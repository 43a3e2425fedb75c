import { LogFormatter, LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger'
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types'
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics'
import { METRICS_NAMESPACE } from './aws-env.js'
import type { Logger } from './observability.js'

/**
 * One short JSON object per line: the level, the message, the invocation's request id (and
 * `coldStart` on a cold start's lines), then the call's own fields. Powertools' default format
 * also repeats a timestamp, the service, the function's ARN, name and memory and the sampling
 * rate on every line, about 300 bytes that CloudWatch Logs bills each time: the log group already
 * names the function and CloudWatch stamps every event with its time.
 */
class CompactLogFormatter extends LogFormatter {
  override formatAttributes(
    attributes: UnformattedAttributes,
    additionalLogAttributes: LogAttributes,
  ): LogItem {
    const context = attributes.lambdaContext
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        requestId: context?.awsRequestId,
        ...(context?.coldStart ? { coldStart: true } : {}),
      },
    }).addAttributes(additionalLogAttributes)
  }
}

/**
 * A Lambda function's logger and metrics on Powertools, set up the same way for every function:
 * compact JSON logs with the invocation's request id, and EMF metrics in the project's namespace.
 */
export const createPowertoolsObservability = (service: 'ingest' | 'deliver') => {
  const powertools = new PowertoolsLogger({
    serviceName: `halo-hooks-${service}`,
    logFormatter: new CompactLogFormatter(),
  })
  const logger: Logger = {
    debug: (message, fields) => powertools.debug(message, fields ?? {}),
    info: (message, fields) => powertools.info(message, fields ?? {}),
    warn: (message, fields) => powertools.warn(message, fields ?? {}),
    error: (message, fields) => powertools.error(message, fields ?? {}),
  }
  const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: service })
  return {
    logger,
    /** Adds the invocation's request id to every log line. */
    addContext: powertools.addContext.bind(powertools),
    /**
     * Adds `value` to `name` for this invocation's metrics; several values of one metric in an
     * invocation are written as one list (statistics such as Average then see each value).
     */
    count: (name: string, value = 1, dimensions: Record<string, string> = {}) => {
      const target = Object.keys(dimensions).length ? metrics.singleMetric() : metrics
      for (const [dimension, label] of Object.entries(dimensions)) {
        target.addDimension(dimension, label)
      }
      target.addMetric(name, MetricUnit.Count, value)
    },
    /** Writes the invocation's metrics (EMF) to the log, if it has any. */
    flush: () => {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics()
    },
  }
}
