import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger'
import type { Context } from 'aws-lambda'
import type { Logger } from './observability.js'

/**
 * A function's Powertools logger: JSON lines with the invocation's context, named for the
 * service. Its own module, so that a bundle loads Powertools only when it first logs.
 */
export const createPowertoolsLogger = (service: 'ingest' | 'deliver' | 'sweep') => {
  const powertools = new PowertoolsLogger({ serviceName: `halo-hooks-${service}` })
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
