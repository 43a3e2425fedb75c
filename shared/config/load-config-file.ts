import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ConfigError } from '../errors.js'
import { type CompiledConfig, compileConfig } from './compile-config.js'

/** The config file a process uses: `HALO_HOOKS_CONFIG`, else `halo-hooks.config.ts` here. */
export const configPath = (env: NodeJS.ProcessEnv, cwd = process.cwd()): string =>
  resolve(cwd, env.HALO_HOOKS_CONFIG || 'halo-hooks.config.ts')

/** How a config file's module is imported: natively by default (TypeScript needs a loader then). */
export type ImportModule = (href: string) => Promise<{ default?: unknown }>

/**
 * Imports a config file (TypeScript via tsx or `importModule`, or JavaScript) and compiles it.
 * Throws `ConfigError` naming the file and listing every problem.
 */
export const loadConfigFile = async (
  path: string,
  importModule: ImportModule = (href) => import(href),
): Promise<CompiledConfig> => {
  if (!existsSync(path)) throw new ConfigError(`config file ${path} does not exist`)
  let module: { default?: unknown }
  try {
    module = await importModule(pathToFileURL(path).href)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ConfigError(`config file ${path} could not be loaded: ${reason}`, [], {
      cause: error,
    })
  }
  if (module.default === undefined) {
    throw new ConfigError(
      `config file ${path} has no default export (export default defineConfig({...}))`,
    )
  }
  return compileConfig(module.default, path)
}
