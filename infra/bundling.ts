import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import type { RouteData } from '../shared/config/route-data.js'
import { sourceModule, sources } from '../shared/sources/registry.js'
import { mergeStaticChunks } from './merge-static-chunks.js'

/** The project root (lockfile, handlers, config file). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * How every Lambda bundle is built by the local esbuild: plain data, so the stack, the handler
 * tests and the bundle benchmark build exactly what is deployed (all through {@link bundleLambda}).
 */
export const LAMBDA_BUNDLING = {
  format: 'esm',
  target: 'node24',
  platform: 'node',
  minify: true,
  /**
   * Names are not kept: esbuild's `keepNames` wraps every named function and class in a call that
   * sets its `name`, at module load and for every closure made per request (ingest's init 62.7 →
   * 58.4 ms CPU, deliver's 76.2 → 65.7 ms, BENCHMARKS.md). Our error classes name themselves.
   */
  keepNames: false,
  /**
   * Nothing is external: the AWS SDK v3 clients are bundled from their ES module builds and
   * tree-shaken, which initialises far faster than the runtime's CommonJS copy loaded from
   * `node_modules` (BENCHMARKS.md, cold start).
   */
  external: [],
  /** ES module builds first: `module` for packages that only say so in `package.json`... */
  mainFields: ['module', 'main'],
  /**
   * ...and the `module` export condition for those with an `exports` map (`@aws-sdk/core`,
   * `@smithy/core`: `module` and `import` lead to `dist-es`, `node` to `dist-cjs`).
   */
  conditions: ['module'],
  /**
   * What is imported with `await import()` (the dry run's DynamoDB store, the template compiler
   * and JSONata, the SDK's own credential providers other than the environment's) goes into
   * chunks of its own, read only when first used: the entry is `index.mjs` beside them. The
   * chunks the entry imports statically are then merged into one (`mergeStaticChunks`).
   */
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  /** CommonJS dependencies bundled into ESM still call `require` for Node built-ins. */
  banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
} as const

/** The stack's functions: their entry, and the module standing for the routes in their bundle. */
export const LAMBDA_FUNCTIONS = {
  ingest: { entry: 'functions/ingest/handler.ts', routes: 'functions/ingest/routes.ts' },
  deliver: { entry: 'functions/deliver/handler.ts', routes: 'functions/deliver/routes.ts' },
  sweep: { entry: 'functions/sweep/handler.ts', routes: 'functions/sweep/routes.ts' },
  due: { entry: 'functions/due/handler.ts', routes: 'functions/due/routes.ts' },
} as const

export type LambdaFunctionName = keyof typeof LAMBDA_FUNCTIONS

export type BundleOptions = {
  /** Entry point, absolute or relative to the project root. */
  entry: string
  /** Where `index.mjs` and its chunks go. */
  outdir: string
  /** Modules whose source is replaced (absolute path → TypeScript source). */
  replace?: Readonly<Record<string, string>>
  /** Write `.map` files (the stack's `deploy.sourceMaps`). @default false */
  sourcemap?: boolean
}

/** Loads a replacement's source in place of the file at its path (imports resolve from there). */
const replaceModules = (replace: Readonly<Record<string, string>>): Plugin => ({
  name: 'halo-hooks-replace-modules',
  setup(builder) {
    const escaped = Object.keys(replace).map((path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    builder.onLoad({ filter: new RegExp(`^(${escaped.join('|')})$`) }, (args) => {
      const contents = replace[args.path]
      return contents === undefined
        ? undefined
        : { contents, loader: 'ts', resolveDir: dirname(args.path) }
    })
  },
})

/** A bundle on disk: its `index.mjs`, and every source file it was built from (absolute paths). */
export type BuiltBundle = { entry: string; inputs: string[] }

/** Bundles one Lambda entry point with {@link LAMBDA_BUNDLING}. Returns the path of `index.mjs`. */
export const bundleLambda = async (options: BundleOptions): Promise<string> =>
  (await buildLambda(options)).entry

/** {@link bundleLambda}, telling also which files the bundle was built from. */
export const buildLambda = async (options: BundleOptions): Promise<BuiltBundle> => {
  const { banner, ...settings } = LAMBDA_BUNDLING
  const outdir = resolve(options.outdir)
  const sourcemap = options.sourcemap ?? false
  const { metafile } = await build({
    ...settings,
    external: [...settings.external],
    mainFields: [...settings.mainFields],
    conditions: [...settings.conditions],
    entryPoints: [resolve(PROJECT_ROOT, options.entry)],
    outdir,
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    sourcemap,
    metafile: true,
    banner: { js: banner },
    plugins: options.replace ? [replaceModules(options.replace)] : [],
    logLevel: 'silent',
  })
  await mergeStaticChunks({
    outdir,
    metafile,
    workingDir: PROJECT_ROOT,
    sourcemap,
    settings: { target: settings.target, minify: settings.minify, chunkNames: settings.chunkNames },
  })
  return {
    entry: join(outdir, 'index.mjs'),
    inputs: Object.keys(metafile.inputs).map((input) => resolve(PROJECT_ROOT, input)),
  }
}

/** `datto-rmm` → `dattormmsource`: how a sender's id and its source's export name compare. */
const exportKey = (name: string) => name.replaceAll('-', '').toLowerCase()

/**
 * A sender's module as its bundle will use it, read by esbuild without running it (synth bundles
 * in a process with no TypeScript loader): the name it exports its source under (`acmeSource` for
 * `acme`, docs/contributing.md), and whether it loads zod when it loads (it validates every
 * payload with a schema), from its static imports as esbuild resolves them.
 */
const senderModule = async (id: string) => {
  const path = join(PROJECT_ROOT, 'shared/sources', sourceModule(id))
  const start = relative(PROJECT_ROOT, path).split(sep).join('/')
  const { metafile } = await build({
    entryPoints: [path],
    // The metafile names inputs relative to this, whatever directory synth runs in.
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
  }).catch((error: unknown) => {
    throw new Error(`sender ${id}: cannot read ${path} (docs/contributing.md, adding a sender)`, {
      cause: error,
    })
  })
  const exports = Object.values(metafile.outputs).find((output) => output.entryPoint === start)
  const name = exports?.exports.find((key) => exportKey(key) === exportKey(`${id}Source`))
  if (!name) {
    const expected = `${id.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase())}Source`
    throw new Error(
      `sender ${id}: ${path} exports no ${expected} (docs/contributing.md, adding a sender)`,
    )
  }
  const seen = new Set<string>()
  const reaches = (input: string): boolean => {
    if (seen.has(input)) return false
    seen.add(input)
    return (metafile.inputs[input]?.imports ?? []).some(
      (item) =>
        item.kind === 'import-statement' &&
        (item.path.startsWith('zod') || item.path.endsWith('zod-mini.ts') || reaches(item.path)),
    )
  }
  return { path, name, loadsZod: reaches(start) }
}

/**
 * The module that stands for a function's routes in its bundle: the routes' data (validated at
 * synth), each template compiled on first use (`routesFromData`), and for ingest the senders they
 * name and nothing else (deliver and sweep: none). A sender that reads its requests without zod is
 * part of the cold start (a module loaded then costs less than one loaded by a request); one that
 * validates every payload with a schema loads, with zod, on the first request to one of its routes
 * (`senderLoader`: a chunk of its own), so that the other senders' cold starts never pay for it.
 */
export const routesModuleSource = async (
  fn: LambdaFunctionName,
  routes: Readonly<Record<string, RouteData>>,
): Promise<string> => {
  const routeData = join(PROJECT_ROOT, 'shared/config/route-data.ts')
  const lines = [`import { routesFromData } from ${JSON.stringify(routeData)}`]
  if (fn !== 'ingest') {
    lines.push(`export const routes = routesFromData(${JSON.stringify(routes)})`)
    return lines.join('\n')
  }
  const ids = [...new Set(Object.values(routes).map((route) => route.source ?? ''))].sort()
  const senders: string[] = []
  let loaders = false
  for (const [index, id] of ids.entries()) {
    const { path, name, loadsZod } = await senderModule(id)
    if (!loadsZod) {
      lines.push(`import { ${name} as sender${index} } from ${JSON.stringify(path)}`)
      senders.push(`${JSON.stringify(id)}: sender${index}`)
      continue
    }
    loaders = true
    const acceptsGet = sources[id]?.acceptsGet === true
    senders.push(
      `${JSON.stringify(id)}: senderLoader(${JSON.stringify(id)}, ${acceptsGet}, () => import(${JSON.stringify(path)}).then((module) => module.${name}))`,
    )
  }
  if (loaders) {
    const loader = join(PROJECT_ROOT, 'shared/sources/sender-loader.ts')
    lines.push(`import { senderLoader } from ${JSON.stringify(loader)}`)
  }
  lines.push(
    `export const routes = routesFromData(${JSON.stringify(routes)}, { ${senders.join(', ')} })`,
  )
  return lines.join('\n')
}

/**
 * Bundles one of the stack's functions with `routes` compiled in: its routes module replaced by
 * {@link routesModuleSource}, so the bundle carries neither the config file nor its compiler.
 */
export const bundleFunction = async (options: FunctionBundleOptions): Promise<string> =>
  (await buildFunction(options)).entry

export type FunctionBundleOptions = {
  fn: LambdaFunctionName
  routes: Readonly<Record<string, RouteData>>
  outdir: string
  sourcemap?: boolean
}

/** {@link bundleFunction}, telling also which files the bundle was built from. */
export const buildFunction = async (options: FunctionBundleOptions): Promise<BuiltBundle> => {
  const { entry, routes } = LAMBDA_FUNCTIONS[options.fn]
  return buildLambda({
    entry,
    outdir: options.outdir,
    sourcemap: options.sourcemap,
    replace: { [join(PROJECT_ROOT, routes)]: await routesModuleSource(options.fn, options.routes) },
  })
}
