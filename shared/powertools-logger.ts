import { LogFormatter, LogItem, Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger'
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types'
import type { Context } from 'aws-lambda'
import type { Logger } from './observability.js'

/**
 * Which lines name their invocation's request id: every line, or only warnings and errors (the
 * lines an operator follows to the runtime's own lines for the invocation, such as a timeout). An
 * instance runs one invocation at a time, so an invocation's lines follow each other in the
 * instance's log stream (the platform's START and REPORT lines are off: system log level WARN).
 */
export type RequestIdLines = 'all' | 'warnings'

const WARNING_LEVELS: ReadonlySet<string> = new Set(['WARN', 'ERROR', 'CRITICAL'])

/**
 * One short JSON object per line: the level, the message, the invocation's request id (and
 * `coldStart` on a cold start's lines), then the call's own fields. Powertools' default format
 * also repeats a timestamp, the service, the function's ARN, name and memory and the sampling
 * rate on every line, about 300 bytes that CloudWatch Logs bills each time: the log group already
 * names the function and CloudWatch stamps every event with its time.
 */
class CompactLogFormatter extends LogFormatter {
  private readonly requestIdLines: RequestIdLines

  constructor(requestIdLines: RequestIdLines) {
    super()
    this.requestIdLines = requestIdLines
  }

  override formatAttributes(
    attributes: UnformattedAttributes,
    additionalLogAttributes: LogAttributes,
  ): LogItem {
    const context = attributes.lambdaContext
    const named = this.requestIdLines === 'all' || WARNING_LEVELS.has(attributes.logLevel)
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        ...(named ? { requestId: context?.awsRequestId } : {}),
        ...(context?.coldStart ? { coldStart: true } : {}),
      },
    }).addAttributes(additionalLogAttributes)
  }
}

/**
 * A function's Powertools logger: compact JSON lines with the invocation's request id (on the
 * lines `requestIdLines` says), named for the service. Its own module, so that a bundle loads
 * Powertools only when it first logs.
 */
export const createPowertoolsLogger = (
  service: 'ingest' | 'deliver' | 'sweep' | 'due',
  requestIdLines: RequestIdLines = 'all',
) => {
  const powertools = new PowertoolsLogger({
    serviceName: `halo-hooks-${service}`,
    logFormatter: new CompactLogFormatter(requestIdLines),
  })
  const logger: Logger = {
    debug: (message, fields) => powertools.debug(message, fields ?? {}),
    info: (message, fields) => powertools.info(message, fields ?? {}),
    warn: (message, fields) => powertools.warn(message, fields ?? {}),
    error: (message, fields) => powertools.error(message, fields ?? {}),
  }
  return {
    logger,
    /**
     * Adds the invocation's context to every line. `coldStart` says whether this invocation is
     * the instance's first, which Powertools cannot tell when it was loaded after that.
     */
    addContext: (context: Context, coldStart: boolean) => {
      // Powertools marks its first addContext as the cold start; a first call that is not one
      // is made twice, so the second (which stays) says so.
      if (!coldStart) powertools.addContext(context)
      powertools.addContext(context)
    },
  }
}
