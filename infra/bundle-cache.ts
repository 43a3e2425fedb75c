import { createHash } from 'node:crypto'
import {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { buildFunction, type FunctionBundleOptions, PROJECT_ROOT } from './bundling.js'

/**
 * What a bundle depends on besides the files esbuild reads for it: the bundler's own code (every
 * file under infra/), the registry that says how senders load, the compiler options and the
 * locked package versions (esbuild's among them).
 */
const bundlerFiles = (): string[] => [
  ...readdirSync(join(PROJECT_ROOT, 'infra'), { recursive: true, encoding: 'utf8' }).map((name) =>
    join(PROJECT_ROOT, 'infra', name),
  ),
  join(PROJECT_ROOT, 'shared/sources/registry.ts'),
  join(PROJECT_ROOT, 'tsconfig.json'),
  join(PROJECT_ROOT, 'package-lock.json'),
]

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')

/** Each file's content hash, by path relative to the project (a folder or a missing file: none). */
const digests = (files: readonly string[]): Record<string, string> =>
  Object.fromEntries(
    files.map((file) => {
      let digest = 'missing'
      try {
        digest = sha256(readFileSync(file))
      } catch {}
      return [relative(PROJECT_ROOT, file), digest]
    }),
  )

/** File times are coarse, and an editor's save lands a little before its time says. */
const EDIT_MARGIN_MS = 2_000

const modifiedSince = (file: string, since: number) =>
  (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) >= since

type Manifest = { inputs: Record<string, string> }

const readManifest = (file: string): Manifest | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest
  } catch {
    return undefined
  }
}

const unchanged = (manifest: Manifest) => {
  const now = digests(Object.keys(manifest.inputs).map((file) => join(PROJECT_ROOT, file)))
  return Object.entries(manifest.inputs).every(([file, digest]) => now[file] === digest)
}

/** Whether the bundle kept in `cache` was built from files that all still hold what they held. */
export const isCurrent = (cache: string): boolean => {
  const manifest = readManifest(join(cache, 'manifest.json'))
  return manifest !== undefined && unchanged(manifest)
}

/** Bundles kept at most: a config edited often leaves one per version of its routes. */
const KEPT_BUNDLES = 16

const forgetLeastRecentlyUsed = (dir: string) => {
  const kept = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.endsWith('.tmp'))
    .map((entry) => ({
      path: join(dir, entry.name),
      used: statSync(join(dir, entry.name), { throwIfNoEntry: false })?.mtimeMs ?? 0,
    }))
    .sort((a, b) => b.used - a.used)
  for (const { path } of kept.slice(KEPT_BUNDLES)) rmSync(path, { recursive: true, force: true })
}

/** Where the bundle for `options` is kept: `bundle/` and the `manifest.json` of its inputs. */
export const bundleCacheDir = (options: Omit<FunctionBundleOptions, 'outdir'>): string => {
  const { fn, routes, sourcemap = false } = options
  const key = sha256(JSON.stringify({ fn, routes, sourcemap }))
  return join(PROJECT_ROOT, 'node_modules/.cache/halo-hooks/lambda', key)
}

/**
 * {@link buildFunction}'s bundle, copied from `node_modules/.cache/halo-hooks/lambda/` when one
 * was built for the same function, routes and source maps from files whose contents are all still
 * the same (by hash, not by time: a cached bundle can be deployed). A synth bundles every function
 * again (CDK hashes the bundle, not its sources), and the handler tests bundle them too: a copy
 * takes milliseconds where a build takes a second of CPU. Returns the path of `index.mjs`.
 */
export const cachedBundleFunction = async (options: FunctionBundleOptions): Promise<string> => {
  const cache = bundleCacheDir(options)
  if (isCurrent(cache)) {
    cpSync(join(cache, 'bundle'), options.outdir, { recursive: true })
    const now = new Date()
    utimesSync(cache, now, now) // last used: the bundles least recently used go first
    return join(options.outdir, 'index.mjs')
  }
  const started = Date.now()
  const { entry, inputs } = await buildFunction(options)
  const files = [...inputs, ...bundlerFiles()]
  // A file saved as esbuild read it may be in the bundle as it was before: not kept.
  if (files.some((file) => modifiedSince(file, started - EDIT_MARGIN_MS))) return entry
  const staging = `${cache}.${process.pid}.tmp`
  rmSync(staging, { recursive: true, force: true })
  mkdirSync(staging, { recursive: true })
  cpSync(options.outdir, join(staging, 'bundle'), { recursive: true })
  writeFileSync(
    join(staging, 'manifest.json'),
    JSON.stringify({ inputs: digests(files) } satisfies Manifest),
  )
  // Moved into place whole, so a process reading the cache never sees half a bundle.
  rmSync(cache, { recursive: true, force: true })
  try {
    renameSync(staging, cache)
  } catch {
    rmSync(staging, { recursive: true, force: true }) // another process put the same bundle there
  }
  forgetLeastRecentlyUsed(dirname(cache))
  return entry
}
