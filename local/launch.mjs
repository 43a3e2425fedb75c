// `npm start` and the project's other commands (`npm run send`, `doctor`...): a TypeScript entry
// of local/ from a cached bundle of it, in plain Node, without a TypeScript loader in the process.
//
//   node local/launch.mjs                       local/start.ts
//   node local/launch.mjs local/send.ts [args]  that command, with its own arguments
import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { importBundled } from './launch/cached-bundle.mjs'

const [, , named] = process.argv
// The real path, as the bundler names the file's own `import.meta.url` (a temp folder or a
// project reached through a symbolic link would otherwise not match it).
const entry = named?.endsWith('.ts')
  ? realpathSync(resolve(named))
  : fileURLToPath(new URL('./start.ts', import.meta.url))
// The command sees the arguments it was given, and itself as the script run (`process.argv[1]`):
// a module that runs only as the main one compares its own file with it.
if (named?.endsWith('.ts')) process.argv.splice(1, 2, entry)

await importBundled(entry)
