import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'
import { afterAll, describe, expect, it } from 'vitest'
import { bundleFunction, PROJECT_ROOT, routesModuleSource } from '../../infra/bundling.js'
import { staticGraph } from '../../infra/static-graph.js'
import type { RouteData } from '../../shared/config/route-data.js'
import { sources } from '../../shared/sources/registry.js'

const route = (source?: string): RouteData => ({
  ...(source ? { source } : {}),
  ticket: { summary: '{% alert.title %}', details: '' },
  maps: {},
  lifecycle: {} as RouteData['lifecycle'],
  noise: {} as RouteData['noise'],
  tenant: {} as RouteData['tenant'],
})

const importsOf = (code: string) => [...code.matchAll(/^import .* from "(.*)"$/gm)].map((m) => m[1])
const loadsOf = (code: string) => [...code.matchAll(/import\("([^"]*)"\)/g)].map((m) => m[1])

describe('routesModuleSource (what stands for a function’s routes in its bundle)', () => {
  it('imports, for ingest, exactly the senders its routes name: those that need zod on first use', async () => {
    const code = await routesModuleSource('ingest', {
      a: route('github'),
      b: route('generic'),
      c: route('github'),
    })

    // generic reads its requests without zod: part of the cold start. github validates every
    // payload with a schema: loaded, zod with it, by the first request to one of its routes.
    expect(importsOf(code).filter((path) => path?.includes('/sources/'))).toEqual([
      expect.stringMatching(/\/shared\/sources\/generic\/generic-source\.ts$/),
      expect.stringMatching(/\/shared\/sources\/sender-loader\.ts$/),
    ])
    expect(loadsOf(code)).toEqual([
      expect.stringMatching(/\/shared\/sources\/github\/github-source\.ts$/),
    ])
    expect(code).toContain(
      '"generic": sender0, "github": senderLoader("github", false, () => import(',
    )
  })

  it('finds the module of every registered sender (docs/contributing.md, adding a sender)', async () => {
    for (const id of Object.keys(sources)) {
      const code = await routesModuleSource('ingest', { r: route(id) })
      expect(code).toMatch(
        new RegExp(`(from |import\\()"[^"]*/shared/sources/${id}/${id}-source\\.ts"`),
      )
      // The name the bundle imports is the registered source itself (read without running it).
      const eager = code.match(/import \{ (?<name>\w+) as sender0 \} from "(?<path>[^"]+)"/)
      const lazy = code.match(
        /import\("(?<path>[^"]+)"\)\.then\(\(module\) => module\.(?<name>\w+)\)/,
      )
      const { name = '', path = '' } = (eager ?? lazy)?.groups ?? {}
      const module = (await import(path)) as Record<string, unknown>
      expect(module[name]).toBe(sources[id])
    }
  })

  it('tells which senders take GET before loading them', async () => {
    const code = await routesModuleSource('ingest', { a: route('heartbeat'), b: route('generic') })

    expect(code).toContain(`senderLoader("heartbeat", ${sources.heartbeat?.acceptsGet === true}`)
    expect(sources.heartbeat?.acceptsGet).toBe(true)
  })

  it('imports no sender for deliver', async () => {
    const code = await routesModuleSource('deliver', { a: route(), b: route() })

    expect(importsOf(code)).toEqual([expect.stringMatching(/\/shared\/config\/route-data\.ts$/)])
  })
})

/** Every `.mjs` file under `dir`: the entry and all its chunks. */
const mapsUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.mjs'))
    .map((name) => join(dir, name))

/** The file under `dir` that holds the module whose path ends with `suffix`. */
const chunkHolding = (dir: string, suffix: string): string => {
  const file = mapsUnder(dir).find((candidate) =>
    bundledModules([candidate]).some((path) => path.endsWith(suffix)),
  )
  if (!file) throw new Error(`no chunk under ${dir} holds ${suffix}`)
  return file
}

/** The modules bundled into `files`, as their source maps name them. */
const bundledModules = (files: readonly string[]): string[] =>
  files.flatMap(
    (file) => (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources,
  )

describe('the functions’ bundles', () => {
  // Inside the project, as `cdk.out` is: a map one directory off would still reach the sources
  // from a directory near the file system's root, and miss them from here.
  mkdirSync(join(PROJECT_ROOT, '.tmp'), { recursive: true })
  const outdir = mkdtempSync(join(PROJECT_ROOT, '.tmp', 'bundles-'))
  afterAll(() => rmSync(outdir, { recursive: true, force: true }))

  // Each bundle is built once for the tests that read it (a build is seconds of CPU), with source
  // maps: they name the modules each file holds, and change nothing else the tests look at.
  const builds = new Map<string, Promise<string>>()
  const bundled = (
    fn: 'ingest' | 'deliver' | 'due' | 'sweep',
    routes: Record<string, RouteData> = { r: route() },
  ): Promise<string> => {
    const key = JSON.stringify({ fn, routes })
    const built =
      builds.get(key) ??
      bundleFunction({ fn, routes, outdir: join(outdir, `${fn}-${builds.size}`), sourcemap: true })
    builds.set(key, built)
    return built
  }
  const everySender = Object.fromEntries(Object.keys(sources).map((id) => [`r-${id}`, route(id)]))

  // Issue 15: classic zod's own evaluation and the methods it binds on every schema built at load
  // were the largest part of a cold start; the functions' schemas are zod/mini's.
  it('load no classic zod at sweep’s cold start', async () => {
    const entry = await bundled('sweep')

    const modules = bundledModules(staticGraph(entry))

    expect(modules.filter((path) => path.includes('node_modules/zod/v4/classic/'))).toEqual([])
    expect(modules.some((path) => path.includes('node_modules/zod/v4/mini/'))).toBe(true)
  })

  // Deliver's messages, records, history items and Halo's answers are read by the readers compiled
  // from their schemas: zod loads only with a value a reader is not sure of (then the schema says
  // what is wrong), and not at all at a cold start. The due sweep shares the delivery side's code.
  it.each(['deliver', 'due'] as const)('load no zod at %s’s cold start', async (fn) => {
    const entry = await bundled(fn)

    const modules = bundledModules(staticGraph(entry))

    expect(modules.filter((path) => path.includes('node_modules/zod/'))).toEqual([])
    expect(modules.some((path) => path.endsWith('shared/schema-readers.generated.ts'))).toBe(true)
    // What a reader's fallback loads: zod with its English messages, not every locale of
    // zod/mini (400 KB), which a module that `import()`s zod-mini.js itself would keep.
    const locales = bundledModules(mapsUnder(dirname(entry))).filter((path) =>
      path.includes('node_modules/zod/v4/locales/'),
    )
    expect(new Set(locales.map((path) => path.split('/').at(-1)))).toEqual(new Set(['en.js']))
  })

  // Most deliver invocations carry alerts; a timer or a Halo ticket event loads its code with the
  // first of them.
  it('load neither the timers’ nor the ticket events’ code at deliver’s cold start', async () => {
    const entry = await bundled('deliver')

    const atColdStart = bundledModules(staticGraph(entry))
    const everywhere = bundledModules(mapsUnder(dirname(entry)))
    const handlers = /shared\/delivery\/(deliver-due|apply-ticket-event)\.ts$/

    expect(atColdStart.filter((path) => handlers.test(path))).toEqual([])
    expect(everywhere.filter((path) => handlers.test(path))).toHaveLength(2)
  })

  it('load no zod at ingest’s cold start, and no classic zod with any sender’s first request', async () => {
    const entry = await bundled('ingest', everySender)

    // Senders that need zod load with their first request: at cold start, none of their schemas.
    const atColdStart = bundledModules(staticGraph(entry))
    expect(atColdStart.filter((path) => path.includes('node_modules/zod/'))).toEqual([])
    expect(
      atColdStart.some((path) => path.endsWith('shared/sources/generic/generic-source.ts')),
    ).toBe(true)
    expect(atColdStart.filter((path) => /shared\/sources\/github\//.test(path))).toEqual([])
    const everyChunk = bundledModules(mapsUnder(dirname(entry)))
    expect(everyChunk.filter((path) => path.includes('node_modules/zod/v4/classic/'))).toEqual([])
    expect(everyChunk.some((path) => path.endsWith('shared/sources/github/github-source.ts'))).toBe(
      true,
    )
    // The function answers its events as they come (lambda-http.ts): no web framework, and no Web
    // Request, whose first use loads Node's fetch implementation.
    expect(everyChunk.filter((path) => path.includes('node_modules/hono/'))).toEqual([])
  })

  it('build none of the delivery side’s schemas at ingest’s cold start (a halo route included)', async () => {
    const entry = await bundled('ingest', { alerts: route('generic'), halo: route('halo') })

    const modules = bundledModules(staticGraph(entry))

    // Halo's API schemas, the correlation state's and the lifecycle policies' were half of the
    // schemas ingest built at load, through one constant the halo sender reads.
    expect(
      modules.filter((path) =>
        /shared\/(halo\/schemas|lifecycle\/(correlation-store|effects|lifecycle-policy))\.ts$/.test(
          path,
        ),
      ),
    ).toEqual([])
    expect(
      bundledModules(mapsUnder(dirname(entry))).some((path) =>
        path.endsWith('shared/sources/halo/halo-source.ts'),
      ),
    ).toBe(true)
  })

  it('load no zod with the first request to a sender that reads well-formed requests without it', async () => {
    const entry = await bundled('ingest', {
      alerts: route('generic'),
      prom: route('alertmanager'),
      gh: route('github'),
    })

    // The environment, the secret, the options (validated at synth) and well-formed alerts and
    // notifications are read directly; zod loads with the first request that needs a schema.
    const withSender = (suffix: string) => {
      const chunk = chunkHolding(dirname(entry), suffix)
      return bundledModules([...new Set([...staticGraph(entry), ...staticGraph(chunk)])])
    }
    for (const sender of ['generic/generic-source.ts', 'alertmanager/alertmanager-source.ts']) {
      expect(withSender(sender).filter((path) => path.includes('node_modules/zod/'))).toEqual([])
    }
    // A sender whose payloads need a schema brings zod with its first request.
    expect(
      withSender('github/github-source.ts').some((path) => path.includes('node_modules/zod/')),
    ).toBe(true)
  })

  // Each file a cold start loads costs it up to about 1 M instructions whatever it holds (`npm run
  // bench -- cold`): the chunks the entry imports statically are merged into one.
  it.each(['ingest', 'deliver', 'due', 'sweep'] as const)(
    'load two files at %s’s cold start: the entry and one chunk',
    async (fn) => {
      const entry = await (fn === 'ingest' ? bundled(fn, everySender) : bundled(fn))

      expect(staticGraph(entry).map((file) => relative(dirname(entry), file))).toEqual([
        'index.mjs',
        expect.stringMatching(/^chunks\/chunk-\w+\.mjs$/),
      ])
    },
  )

  it('map every file loaded at init to sources that exist, through both passes', async () => {
    const entry = await bundled('ingest', everySender)

    for (const file of staticGraph(entry)) {
      const { sources } = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }
      expect(sources.length).toBeGreaterThan(0)
      expect(sources.filter((source) => !existsSync(resolve(dirname(file), source)))).toEqual([])
    }
  })

  it('refuse an invalid environment at init, though the check loads its chunk while the entry waits for it', async () => {
    const entry = await bundled('ingest', everySender)

    // The schema's chunk uses modules of the merged chunk, not of the entry, which is still held
    // at its top-level await: importing the entry from there would wait for ever.
    const child = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(entry).href)})`],
      {
        encoding: 'utf8',
        timeout: 20_000,
        env: { ...process.env, QUEUE_URL: 'not a url', SIGNING_SECRET_ID: 'halo-hooks' },
      },
    )

    expect(child.signal).toBeNull()
    expect(child.status).toBe(1)
    expect(child.stderr).toContain('invalid ingest environment')
    expect(child.stderr).toContain('QUEUE_URL')
  })

  it('give zod’s English issue messages without classic zod, which alone loads a locale', async () => {
    const { outputFiles } = await build({
      stdin: {
        contents: `import { AlertSchema } from './shared/alert-schema.ts'
          console.log(AlertSchema.safeParse({ key: 5 }).error.issues[0].message)`,
        resolveDir: PROJECT_ROOT,
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'node',
      write: false,
      logLevel: 'silent',
    })
    const code = outputFiles[0]?.text ?? ''

    // A process of its own: in this one, zod's locale is already set by whatever loaded it first.
    const printed = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      encoding: 'utf8',
    })

    expect(code).not.toContain('node_modules/zod/v4/classic/')
    expect(printed.trim()).toBe('Invalid input: expected string, received number')
  })
})
