import type { Metrics } from '@aws-lambda-powertools/metrics'
import type { Context } from 'aws-lambda'
import { METRICS_NAMESPACE } from './aws-env.js'
import type { Logger } from './observability.js'
import type { createPowertoolsLogger, RequestIdLines } from './powertools-logger.js'

type Count = { name: string; value: number; dimensions: Record<string, string> }
type Level = keyof Logger
type Line = { level: Level; message: string; fields: Record<string, unknown> | undefined }
type PowertoolsLogger = ReturnType<typeof createPowertoolsLogger>

/**
 * A Lambda function's logger and metrics on Powertools, set up the same way for every function:
 * JSON logs with the invocation's context, and EMF metrics in the project's namespace. Neither
 * loads at init: the logger loads with the first line logged (lines wait for it in order), the
 * metrics with the first count, so an instance that logs or counts nothing never loads them.
 * `flush` ends an invocation: it waits for what is still loading and writes the metrics.
 * `requestIdLines` says which lines name the invocation's request id (default: all).
 */
export const createPowertoolsObservability = (
  service: 'ingest' | 'deliver' | 'sweep' | 'due',
  options: { requestIdLines?: RequestIdLines } = {},
) => {
  let powertools: PowertoolsLogger | undefined
  let loadingLogger: Promise<PowertoolsLogger> | undefined
  const waiting: Line[] = []
  let invocation: { context: Context; coldStart: boolean } | undefined
  const loadLogger = () =>
    (loadingLogger ??= import('./powertools-logger.js').then((module) => {
      const loaded = module.createPowertoolsLogger(service, options.requestIdLines)
      if (invocation) loaded.addContext(invocation.context, invocation.coldStart)
      for (const { level, message, fields } of waiting.splice(0)) {
        loaded.logger[level](message, fields)
      }
      powertools = loaded
      return loaded
    }))
  const line =
    (level: Level) =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (powertools) {
        powertools.logger[level](message, fields)
        return
      }
      waiting.push({ level, message, fields })
      // A failure to load surfaces in `flush`.
      loadLogger().catch(() => undefined)
    }
  const logger: Logger = {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
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
    addContext: (context: Context) => {
      invocation = { context, coldStart: invocation === undefined }
      powertools?.addContext(context, invocation.coldStart)
    },
    /** Counts `value` of `name` for this invocation's metrics (written by `flush`). */
    count: (name: string, value = 1, dimensions: Record<string, string> = {}) => {
      counts.push({ name, value, dimensions })
      // Under way while the invocation goes on; a failure to load surfaces in `flush`.
      loadMetrics().catch(() => undefined)
    },
    /** Writes the invocation's log lines still waiting for the logger, and its metrics (EMF). */
    flush: async () => {
      if (waiting.length > 0) await loadLogger()
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
