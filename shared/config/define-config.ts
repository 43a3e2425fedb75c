import type { ConfigInput } from './config-schema.js'

/**
 * Types a halo-hooks config file for the editor. Validation happens when the file is loaded
 * (`npm start`, `npm run validate`, `cdk synth`), where every problem is reported at once.
 */
export const defineConfig = (config: ConfigInput): ConfigInput => config
