import config from '../../halo-hooks.config.js'
import { type CompiledRoute, compileConfig } from '../../shared/config/compile-config.js'

/**
 * The routes ingest serves. In the Lambda bundle this module is replaced by the config compiled
 * and checked at synth (infra/bundling.ts): the routes' data and only the senders they name, each
 * template compiled on first use. Run from source, it compiles the config file here.
 */
export const routes: ReadonlyMap<string, CompiledRoute> = compileConfig(
  config,
  'halo-hooks.config.ts',
).routes
