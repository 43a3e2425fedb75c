import config from '../../halo-hooks.config.js'
import { compileConfig, type DeliveryRoute } from '../../shared/config/compile-config.js'

/**
 * The routes deliver delivers for. In the Lambda bundle this module is replaced by the config
 * compiled and checked at synth (infra/bundling.ts): what delivering needs of each route and no
 * sender, each template compiled on first use. Run from source, it compiles the config file here.
 */
export const routes: ReadonlyMap<string, DeliveryRoute> = compileConfig(
  config,
  'halo-hooks.config.ts',
).routes
