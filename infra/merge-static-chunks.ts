import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild'
import { staticGraph } from './static-graph.js'

/** Where, in the bundle's directory, the merged chunks' exports are re-exported from. */
const CORE = 'core.mjs'

const EMPTY_SOURCE_MAP = { version: 3, sources: [], names: [], mappings: '' }

/** An import specifier for `to` from a module in `fromDir` (`./x.mjs`, `../x.mjs`). */
const specifier = (fromDir: string, to: string) => {
  const path = relative(fromDir, to).split(sep).join('/')
  return path.startsWith('.') ? path : `./${path}`
}

/** The name a merged chunk's export has in `core.mjs`: its chunk's number, then its own name. */
const coreName = (chunk: number, name: string) => `m${chunk}_${name}`

/**
 * Puts the chunks a bundle's entry imports statically into one, so that a cold start reads,
 * resolves and links two files instead of one per chunk (0.3 to 1.2 M instructions each: `npm run
 * bench -- cold`). esbuild's code splitting gives a module the entry shares with a chunk loaded by
 * `import()` a chunk of its own for each set of importers, and has no option to merge them.
 *
 * A second esbuild pass bundles the entry and a module re-exporting every export of those chunks
 * (`core.mjs`): what both share, which is all of the chunks, becomes one shared chunk. Each old
 * chunk is then a stub that re-exports from `core.mjs`, so the chunks loaded on first use, which
 * import the old chunks by path, get the very instances the entry has. The re-exports are not the
 * entry's own: a chunk loaded while the entry is held at its top-level `await` (the environment's
 * zod fallback) would otherwise import a module still evaluating, and never finish (Node exits
 * with 13 when nothing else runs; Lambda waits out the init timeout) instead of naming the error.
 *
 * The chunks are those {@link staticGraph} finds; `metafile` is the first pass's (for their
 * exports), its paths relative to `workingDir`. Chunks loaded by `import()`
 * are left as they are. Source maps, when written, map through both passes to the sources.
 */
export const mergeStaticChunks = async (options: {
  outdir: string
  metafile: Metafile
  workingDir: string
  sourcemap: boolean
  /** The first pass's: the merged chunk goes where its chunks were, and runs where they ran. */
  settings: Pick<BuildOptions, 'target' | 'minify' | 'chunkNames'>
}): Promise<void> => {
  const { metafile, workingDir, sourcemap, settings } = options
  const outdir = resolve(options.outdir)
  const entry = join(outdir, 'index.mjs')
  const files = staticGraph(entry).filter((file) => file !== entry)
  if (files.length < 2) return

  const outputs = new Map(
    Object.entries(metafile.outputs).map(([key, output]) => [resolve(workingDir, key), output]),
  )
  const exportsOf = files.map((file) => {
    const output = outputs.get(file)
    if (!output) throw new Error(`bundle in ${outdir}: ${file} is not in the first pass's output`)
    return output.exports
  })
  /** The import or re-export of a chunk's exports, renamed one way or the other. */
  const reexport = (chunk: number, from: string, rename: (name: string) => string) => {
    const names = exportsOf[chunk] ?? []
    const source = JSON.stringify(from)
    return names.length === 0
      ? `import ${source};\n`
      : `export { ${names.map(rename).join(', ')} } from ${source};\n`
  }
  const core = files
    .map((file, chunk) => reexport(chunk, file, (name) => `${name} as ${coreName(chunk, name)}`))
    .join('')

  // Everything loaded by `import()` stays where it is, and so does its path from the code
  // importing it: the merged chunk lands in `chunks/`, beside the chunks it came from.
  const keepLoadedOnUse: Plugin = {
    name: 'halo-hooks-keep-loaded-on-use',
    setup(builder) {
      builder.onResolve({ filter: /^halo-hooks-core$/ }, () => ({
        path: 'core',
        namespace: 'halo-hooks-core',
      }))
      builder.onLoad({ filter: /.*/, namespace: 'halo-hooks-core' }, () => ({
        contents: core,
        loader: 'js',
        resolveDir: outdir,
      }))
      builder.onResolve({ filter: /.*/ }, (args) =>
        args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined,
      )
    },
  }
  // Built in memory for the bundle's own directory (its maps' paths are relative to it), and
  // written only once the whole pass has succeeded.
  const { outputFiles } = await build({
    entryPoints: [
      { in: join(outdir, 'index.mjs'), out: 'index' },
      { in: 'halo-hooks-core', out: 'core' },
    ],
    outdir,
    write: false,
    allowOverwrite: true,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    ...settings,
    sourcemap,
    entryNames: '[name]',
    outExtension: { '.js': '.mjs' },
    plugins: [keepLoadedOnUse],
    logLevel: 'silent',
  })
  // Chunk names carry a hash of their content: a merged chunk never replaces another.
  for (const { path, contents } of outputFiles) {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, contents)
  }
  for (const [chunk, file] of files.entries()) {
    const from = specifier(dirname(file), join(outdir, CORE))
    const stub = reexport(chunk, from, (name) => `${coreName(chunk, name)} as ${name}`)
    if (sourcemap) {
      // A stub holds no source of its own, but every file of a bundle with maps has one.
      writeFileSync(file, `${stub}//# sourceMappingURL=${basename(file)}.map\n`)
      writeFileSync(`${file}.map`, JSON.stringify(EMPTY_SOURCE_MAP))
    } else {
      writeFileSync(file, stub)
    }
  }
}
