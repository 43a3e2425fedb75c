// `npm start`: the local gateway from a cached bundle of local/start.ts, in plain Node.
import { fileURLToPath } from 'node:url'
import { importBundled } from './launch/cached-bundle.mjs'

await importBundled(fileURLToPath(new URL('./start.ts', import.meta.url)))
