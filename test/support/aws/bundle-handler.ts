import { mkdirSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { LAMBDA_BUNDLING } from '../../../infra/bundling.js'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

/** Replaces the root config file with another one, as a user's own config would be bundled. */
const configFrom = (configPath: string): Plugin => ({
  name: 'halo-hooks-config',
  setup(builder) {
    builder.onResolve({ filter: /halo-hooks\.config\.js$/ }, () => ({ path: configPath }))
  },
})

/**
 * Bundles a Lambda entry point with the stack's esbuild settings (the AWS SDK included: point its
 * clients at a stand-in or DynamoDB Local by endpoint) into `.tmp/` inside the repo. Returns the
 * file URL to import.
 */
export const bundleHandler = async (
  entry: string,
  name: string,
  configPath?: string,
): Promise<string> => {
  const outfile = join(ROOT, '.tmp', 'bundles', `${name}-${process.pid}`, 'index.mjs')
  mkdirSync(dirname(outfile), { recursive: true })
  await build({
    entryPoints: [join(ROOT, entry)],
    outfile,
    bundle: true,
    format: LAMBDA_BUNDLING.format,
    target: LAMBDA_BUNDLING.target,
    platform: LAMBDA_BUNDLING.platform,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourcemap,
    keepNames: LAMBDA_BUNDLING.keepNames,
    external: [...LAMBDA_BUNDLING.external],
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    conditions: [...LAMBDA_BUNDLING.conditions],
    banner: { js: LAMBDA_BUNDLING.banner },
    plugins: configPath ? [configFrom(configPath)] : [],
    logLevel: 'silent',
  })
  return pathToFileURL(outfile).href
}

/** Deletes the bundles this process built (call from `afterAll`). */
export const removeBundles = (name: string): void => {
  rmSync(join(ROOT, '.tmp', 'bundles', `${name}-${process.pid}`), { recursive: true, force: true })
}
