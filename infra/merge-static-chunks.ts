import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild'

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

/** The chunks `entry` imports statically, directly or through each other (not itself). */
const staticChunksOf = (metafile: Metafile, entry: string): string[] => {
  const seen = new Set<string>([entry])
  const walk = (output: string) => {
    for (const { path, kind } of metafile.outputs[output]?.imports ?? []) {
      if (kind !== 'import-statement' || seen.has(path) || !metafile.outputs[path]) continue
      seen.add(path)
      walk(path)
    }
  }
  walk(entry)
  seen.delete(entry)
  return [...seen]
}

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
 * `metafile` is the first pass's, its paths relative to `workingDir`. Chunks loaded by `import()`
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
  const entryKey = Object.keys(metafile.outputs).find(
    (key) => resolve(workingDir, key) === join(outdir, 'index.mjs'),
  )
  if (!entryKey) throw new Error(`bundle in ${outdir}: the first pass wrote no index.mjs`)
  const chunks = staticChunksOf(metafile, entryKey)
  if (chunks.length < 2) return

  const files = chunks.map((key) => resolve(workingDir, key))
  const exportsOf = chunks.map((key) => metafile.outputs[key]?.exports ?? [])
  const core = files
    .map((file, chunk) => {
      const names = exportsOf[chunk] ?? []
      const from = JSON.stringify(file)
      if (names.length === 0) return `import ${from}`
      return `export { ${names.map((name) => `${name} as ${coreName(chunk, name)}`).join(', ')} } from ${from}`
    })
    .join('\n')

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
    const names = exportsOf[chunk] ?? []
    const from = JSON.stringify(specifier(dirname(file), join(outdir, CORE)))
    const stub =
      names.length === 0
        ? `import ${from};\n`
        : `export { ${names.map((name) => `${coreName(chunk, name)} as ${name}`).join(', ')} } from ${from};\n`
    if (sourcemap) {
      // A stub holds no source of its own, but every file of a bundle with maps has one.
      writeFileSync(file, `${stub}//# sourceMappingURL=${basename(file)}.map\n`)
      writeFileSync(`${file}.map`, JSON.stringify(EMPTY_SOURCE_MAP))
    } else {
      writeFileSync(file, stub)
    }
  }
}
