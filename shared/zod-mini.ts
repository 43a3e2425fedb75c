import { en } from 'zod/locales'
import { config } from 'zod/mini'

// The schemas the functions run with are zod's functional build (`zod/mini`): classic zod costs
// a function's cold start its own evaluation plus some forty methods bound on every schema built
// at load (issue 15). Classic loads English messages by itself; mini loads none and would answer
// "Invalid input" alone, so English is set here, once, for every module that imports this one.
// Import `en` by name: `z.locales` would bundle every locale.
config(en())

/**
 * `zod/mini` with zod's English issue messages: what every schema that runs in a function is
 * built with (`import * as z from '…/zod-mini.js'`). Classic `zod` stays on the config, CLI and
 * synth side, where it embeds these schemas as they are.
 */
export * from 'zod/mini'
