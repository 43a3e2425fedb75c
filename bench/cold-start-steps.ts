import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bundleLambda, PROJECT_ROOT } from '../infra/bundling.js'
import { standInEnv, startAwsStandIn } from '../test/support/aws/aws-stand-in.js'
import {
  COLD_ROUTE,
  COLD_SECRET,
  coldRequestOnce,
  importOnce,
  median,
  signedSampleEvent,
  type Timing,
} from './support/cold-start.js'

// `npx tsx bench/cold-start-steps.ts <commit>...` (`ROUNDS=25` for more rounds): what each step of the cold-start work bought.
// Each commit's ingest and deliver bundles are built as that commit's stack built them (its own
// infra/bundling.ts; the SDK external and source maps on where it said so), then measured in one
// run, interleaved, against this checkout's minimal equivalents: module init of both functions and
// ingest's cold first request (process start → 202), median wall-clock and CPU time.

/** Rounds of every measurement (`ROUNDS=25 npx tsx bench/cold-start-steps.ts ...`). */
const RUNS = Number(process.env.ROUNDS ?? 9)
const commits = process.argv.slice(2)
if (commits.length === 0) throw new Error('usage: npx tsx bench/cold-start-steps.ts <commit>...')

const ENV = {
  QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq.fifo',
  // One secret before the stack split it in two, then one for each side.
  HALO_HOOKS_SECRET_ID: 'halo-hooks',
  SIGNING_SECRET_ID: 'halo-hooks',
  HALO_SECRET_ID: 'halo-hooks-halo',
  STATE_TABLE_NAME: 'state',
  HALO_BASE_URL: 'https://acme.halopsa.com',
  AWS_REGION: 'eu-west-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
}

// Run in the commit's own tree, so its bundling and config compiler build its bundles.
const BUILD = `
import { join } from 'node:path'
import * as bundling from './infra/bundling.ts'
const [fn, outdir] = process.argv.slice(2)
const entry = \`functions/\${fn}/handler.ts\`
if ('bundleFunction' in bundling) {
  const { loadConfigFile } = await import('./shared/config/load-config-file.ts')
  const { routeDataOf } = await import('./shared/config/route-data.ts')
  const compiled = await loadConfigFile(join(process.cwd(), 'halo-hooks.config.ts'))
  await bundling.bundleFunction({ fn, routes: routeDataOf(compiled, fn), outdir })
} else {
  const { build } = await import('esbuild')
  const { banner, ...settings } = bundling.LAMBDA_BUNDLING
  await build({ ...settings, external: [...settings.external], mainFields: [...settings.mainFields],
    entryPoints: [entry], outfile: join(outdir, 'index.mjs'), bundle: true, banner: { js: banner }, logLevel: 'silent' })
  console.log(settings.sourcemap ? 'source-maps' : '')
}
`

type Variant = { name: string; ingest: string; deliver: string; env: Record<string, string> }

const work = join(PROJECT_ROOT, '.tmp', `cold-start-steps-${process.pid}`)
const standIn = await startAwsStandIn()
try {
  const variants: Variant[] = []
  for (const commit of commits) {
    const tree = join(work, commit)
    mkdirSync(tree, { recursive: true })
    execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C ${tree}`], { cwd: PROJECT_ROOT })
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(tree, 'node_modules'))
    writeFileSync(join(tree, 'build-step.ts'), BUILD)
    const built = (fn: string) => {
      const outdir = join(tree, 'out', fn)
      const said = execFileSync('npx', ['tsx', 'build-step.ts', fn, outdir], {
        cwd: tree,
        encoding: 'utf8',
      })
      return { file: join(outdir, 'index.mjs'), sourceMaps: said.includes('source-maps') }
    }
    const ingest = built('ingest')
    const deliver = built('deliver')
    variants.push({
      name: commit,
      ingest: ingest.file,
      deliver: deliver.file,
      env: ingest.sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {},
    })
  }
  const minimal = {
    ingest: await bundleLambda({
      entry: 'bench/minimal/ingest-handler.ts',
      outdir: join(work, 'minimal-ingest'),
    }),
    deliver: await bundleLambda({
      entry: 'bench/minimal/deliver-handler.ts',
      outdir: join(work, 'minimal-deliver'),
    }),
  }

  standIn.on('GetSecretValue', {
    output: {
      SecretString: JSON.stringify({ routes: { [COLD_ROUTE]: { current: COLD_SECRET } } }),
    },
  })
  const coldEnv = {
    ...ENV,
    ...standInEnv(standIn),
    QUEUE_URL: standIn.queueUrl('cold.fifo'),
    MINIMAL_HMAC_SECRET: COLD_SECRET,
  }
  const event = signedSampleEvent(PROJECT_ROOT)
  const samples = new Map<string, Timing[]>()
  const add = (key: string, timing: Timing) =>
    samples.set(key, [...(samples.get(key) ?? []), timing])
  for (let round = -1; round < RUNS; round++) {
    const measure = async (
      key: string,
      file: string,
      kind: string,
      env: Record<string, string>,
    ) => {
      const timing =
        kind === 'cold'
          ? await coldRequestOnce(file, event, { ...coldEnv, ...env })
          : importOnce(file, { ...ENV, ...env })
      if (round >= 0) add(`${key} ${kind}`, timing) // round -1 warms the OS file cache
    }
    await measure('minimal', minimal.ingest, 'ingest', {})
    await measure('minimal', minimal.deliver, 'deliver', {})
    await measure('minimal', minimal.ingest, 'cold', {})
    for (const variant of variants) {
      await measure(variant.name, variant.ingest, 'ingest', variant.env)
      await measure(variant.name, variant.deliver, 'deliver', variant.env)
      await measure(variant.name, variant.ingest, 'cold', variant.env)
    }
  }
  const figure = (key: string, kind: string) => {
    const runs = samples.get(`${key} ${kind}`) ?? []
    const base = samples.get(`minimal ${kind}`) ?? []
    const wall = median(runs.map((run) => run.ms))
    const cpu = median(runs.map((run) => run.cpuMs))
    const wallRatio = wall / median(base.map((run) => run.ms))
    const cpuRatio = cpu / median(base.map((run) => run.cpuMs))
    return `${wall.toFixed(1)} ms (${wallRatio.toFixed(2)}×), CPU ${cpu.toFixed(1)} ms (${cpuRatio.toFixed(2)}×)`
  }
  console.log(
    `cold-start steps: ${RUNS} interleaved rounds, medians; ratios against the minimal equivalents`,
  )
  console.log(`| step | ingest init | deliver init | ingest cold first request |`)
  console.log(`| --- | --- | --- | --- |`)
  for (const key of ['minimal', ...variants.map((variant) => variant.name)]) {
    console.log(
      `| ${key} | ${figure(key, 'ingest')} | ${figure(key, 'deliver')} | ${figure(key, 'cold')} |`,
    )
  }
} finally {
  await standIn.close()
  if (existsSync(work)) rmSync(work, { recursive: true, force: true })
}
