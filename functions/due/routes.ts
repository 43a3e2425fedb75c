import config from '../../halo-hooks.config.js'
import { compileConfig, type DeliveryRoute } from '../../shared/config/compile-config.js'

/**
 * The routes the due sweep queues timers for. In the Lambda bundle this module is replaced by the
 * config compiled and checked at synth (infra/bundling.ts), as deliver's is. Run from source, it
 * compiles the config file here.
 */
export const routes: ReadonlyMap<string, DeliveryRoute> = compileConfig(
  config,
  'halo-hooks.config.ts',
).routes
