import { fileURLToPath } from 'node:url'
import { importBundled } from './launch/cached-bundle.mjs'

/**
 * Imports the config file natively where a TypeScript loader runs (tsx, vitest), else (npm start
 * runs in plain Node) from a cached esbuild bundle of it.
 */
export const importConfigModule = async (href: string): Promise<{ default?: unknown }> => {
  try {
    return await import(href)
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw error
    return importBundled(fileURLToPath(href))
  }
}
