// Plain JavaScript on purpose: `npm start` runs this without a TypeScript loader in the process
// (registering one costs more than the whole gateway takes to start), so it cannot itself be TS.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

/** `node_modules/.cache/halo-hooks` of the project holding `entry`, else a folder in the OS temp. */
const cacheDirFor = (entry) => {
  for (let dir = dirname(entry); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'node_modules')))
      return join(dir, 'node_modules', '.cache', 'halo-hooks')
    if (dirname(dir) === dir) return join(tmpdir(), `halo-hooks-build-${process.getuid?.() ?? 0}`)
  }
}

const NOT_BUNDLED = ['better-sqlite3', 'esbuild']

const fingerprintOf = (stat) => (stat ? `${stat.mtimeMs}:${stat.size}` : 'missing')
const fingerprint = (path) => fingerprintOf(statSync(path, { throwIfNoEntry: false }))

const readManifest = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

const isFresh = (manifest) =>
  manifest !== undefined &&
  manifest.node === process.version &&
  Object.entries(manifest.inputs).every(([path, print]) => fingerprint(path) === print)

/** The compiler options of the `tsconfig.json` nearest above `file`, as esbuild reads them. */
const tsconfigOf = (file) => {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const path = join(dir, 'tsconfig.json')
    if (existsSync(path)) return readFileSync(path, 'utf8')
    if (dirname(dir) === dir) return '{}'
  }
}

/**
 * Keeps each source file's own `import.meta.url` (and `dirname`, `filename`) inside the bundle, so
 * a file that finds its neighbours relative to itself (the dev secrets file, samples, a config's
 * own files) still finds them. Replaced as expressions by esbuild (`define`), so the same words
 * inside a string (a banner of generated code) stay as written.
 */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, async (args) => {
      const source = readFileSync(args.path, 'utf8')
      if (!source.includes('import.meta')) return { contents: source, loader: 'ts' }
      const { code } = await build.esbuild.transform(source, {
        loader: 'ts',
        format: 'esm',
        sourcefile: args.path,
        tsconfigRaw: tsconfigOf(args.path),
        define: {
          'import.meta.url': JSON.stringify(pathToFileURL(args.path).href),
          'import.meta.dirname': JSON.stringify(dirname(args.path)),
          'import.meta.filename': JSON.stringify(args.path),
        },
      })
      return { contents: code, loader: 'js' }
    })
  },
}

/**
 * Files changed this close to a build's start may have changed while it read them: they are
 * recorded as unseen, so the next start builds again (a second or two of coarse file times).
 */
const EDIT_MARGIN_MS = 2_000

const build = async (entry, outfile, manifestFile) => {
  const started = Date.now()
  const esbuild = await import('esbuild')
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: `${outfile}.${process.pid}.tmp`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    // Packages are bundled too: resolving and loading them one file at a time from node_modules
    // took more of the start than running them. Native addons and the bundler itself cannot be.
    external: NOT_BUNDLED,
    // Bundled CommonJS packages call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __haloHooksRequire } from 'node:module'; const require = __haloHooksRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'silent',
    plugins: [ownImportMetaUrl],
  })
  const inputs = Object.fromEntries(
    Object.keys(result.metafile.inputs).map((input) => {
      const path = resolve(input)
      const stat = statSync(path, { throwIfNoEntry: false })
      const settled = stat !== undefined && stat.mtimeMs < started - EDIT_MARGIN_MS
      return [path, settled ? fingerprintOf(stat) : 'changed while building']
    }),
  )
  // Renamed into place, so a second process starting at the same moment never reads half a file.
  renameSync(`${outfile}.${process.pid}.tmp`, outfile)
  const built = `${Date.now()}-${process.pid}`
  writeFileSync(
    `${manifestFile}.${process.pid}.tmp`,
    JSON.stringify({ node: process.version, built, inputs }),
  )
  renameSync(`${manifestFile}.${process.pid}.tmp`, manifestFile)
  return built
}

/**
 * Imports a TypeScript module (and everything of ours it imports) from one ES module bundle,
 * built with esbuild and kept until one of its input files (ours or a package's) changes. One
 * stat per input decides whether the last build still holds.
 *
 * @param {string} entry absolute path of the TypeScript module
 * @returns {Promise<Record<string, unknown>>} the module's namespace
 */
export const importBundled = async (entry) => {
  const dir = cacheDirFor(entry)
  const key = createHash('sha256').update(entry).digest('hex').slice(0, 16)
  const outfile = join(dir, `${key}.mjs`)
  const manifestFile = join(dir, `${key}.json`)
  const manifest = readManifest(manifestFile)
  let built = manifest?.built
  if (!(existsSync(outfile) && isFresh(manifest))) {
    mkdirSync(dir, { recursive: true })
    built = await build(entry, outfile, manifestFile)
  }
  // The build's id in the URL, so a process that imports again after a rebuild gets the new one.
  return import(`${pathToFileURL(outfile).href}?built=${built}`)
}
