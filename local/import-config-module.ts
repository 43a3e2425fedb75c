import { fileURLToPath } from 'node:url'
import { importBundled } from './launch/cached-bundle.mjs'

/**
 * How Node refuses a TypeScript module it cannot run as it is: without a loader it does not know
 * the extension (Node 20); with its own type stripping (Node 22.18 and later) it runs the file but
 * not its imports written `./x.js` for `./x.ts`, nor TypeScript it cannot strip.
 */
const REFUSALS_OF_TYPESCRIPT = new Set([
  'ERR_UNKNOWN_FILE_EXTENSION',
  'ERR_MODULE_NOT_FOUND',
  'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX',
  'ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING',
])

/**
 * Imports the config file natively where that works (a TypeScript loader runs: tsx, vitest; or
 * a JavaScript config), else from a cached esbuild bundle of it (`npm start` and the commands run
 * in plain Node), which resolves `./x.js` to `./x.ts` as TypeScript does.
 */
export const importConfigModule = async (
  href: string,
  importNatively: (href: string) => Promise<{ default?: unknown }> = (url) => import(url),
): Promise<{ default?: unknown }> => {
  try {
    return await importNatively(href)
  } catch (error) {
    const code = (error as { code?: unknown }).code
    const path = fileURLToPath(href)
    if (!/\.[cm]?ts$/.test(path) || !REFUSALS_OF_TYPESCRIPT.has(String(code))) throw error
    return importBundled(path)
  }
}
