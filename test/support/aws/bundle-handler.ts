import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { cachedBundleFunction } from '../../../infra/bundle-cache.js'
import { type LambdaFunctionName, PROJECT_ROOT } from '../../../infra/bundling.js'
import { loadConfigFile } from '../../../shared/config/load-config-file.js'
import { routeDataOf } from '../../../shared/config/route-data.js'

export const ROOT = PROJECT_ROOT

/**
 * Bundles one of the stack's functions as the stack does (infra/bundling.ts: the AWS SDK included,
 * so point its clients at a stand-in or DynamoDB Local by endpoint), with the routes of the config
 * file at `configPath` (as a user's own config would be) compiled in. The bundle goes to `.tmp/`
 * inside the repo, copied from the cache synth uses when nothing it was built from has changed
 * (infra/bundle-cache.ts). Returns the file URL to import.
 */
export const bundleHandler = async (
  fn: LambdaFunctionName,
  name: string,
  configPath = join(ROOT, 'halo-hooks.config.ts'),
): Promise<string> => {
  const compiled = await loadConfigFile(configPath)
  const file = await cachedBundleFunction({
    fn,
    routes: routeDataOf(compiled, fn === 'ingest' ? 'ingest' : 'deliver'),
    outdir: join(ROOT, '.tmp', 'bundles', `${name}-${process.pid}`),
  })
  return pathToFileURL(file).href
}

/** Deletes the bundles this process built (call from `afterAll`). */
export const removeBundles = (name: string): void => {
  rmSync(join(ROOT, '.tmp', 'bundles', `${name}-${process.pid}`), { recursive: true, force: true })
}
