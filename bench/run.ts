import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { machine } from './support/format.js'

// `npm run bench`: every benchmark section in one run on one machine, each figure a ratio against
// a baseline measured in the same run. A section whose module is missing is skipped with a note;
// a section that fails prints its error and the run goes on.

type Section = {
  title: string
  /** Module path relative to this file, and the function it exports. */
  module: string
  run: string
}

const SECTIONS: Section[] = [
  {
    title: 'Ingest throughput and latency',
    module: './ingest-throughput.bench.ts',
    run: 'benchIngestThroughput',
  },
  { title: 'Memory per queued envelopes', module: './memory.bench.ts', run: 'benchMemory' },
  { title: 'Halo client', module: './halo-client.bench.ts', run: 'benchHaloClient' },
  {
    title: 'Lambda bundles, cold start and cost',
    module: './lambda-bundles.bench.ts',
    run: 'benchLambdaBundles',
  },
  { title: 'Delivery', module: './delivery.bench.ts', run: 'benchDelivery' },
  {
    title: 'Alert storm against a strict rolling limit',
    module: './storm.bench.ts',
    run: 'benchStorm',
  },
  {
    title: 'Deliver Lambda billed time with a saturated budget',
    module: './deliver-billing.bench.ts',
    run: 'benchDeliverBilling',
  },
  {
    title: "The local gateway's state in SQLite against memory",
    module: './sqlite-state.bench.ts',
    run: 'benchSqliteState',
  },
  {
    title: 'Cost per million events and per month, from measured request counts',
    module: './cost.bench.ts',
    run: 'benchCost',
  },
]

const print = (line = '') => process.stdout.write(`${line}\n`)

const runSection = async (section: Section) => {
  const path = fileURLToPath(new URL(section.module, import.meta.url))
  print(`## ${section.title} (${section.module.replace('./', 'bench/')})`)
  if (!existsSync(path)) {
    print(`skipped: ${section.module.replace('./', 'bench/')} does not exist yet`)
    return
  }
  const started = performance.now()
  try {
    const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>
    const bench = module[section.run]
    if (typeof bench !== 'function')
      throw new Error(`${section.module} exports no ${section.run}()`)
    const lines = (await bench()) as string[]
    for (const line of lines) print(line)
  } catch (error) {
    print(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    process.exitCode = 1
  }
  print(`(section took ${((performance.now() - started) / 1000).toFixed(1)} s)`)
  print()
}

const main = async () => {
  print('# halo-hooks benchmarks')
  print(`date: ${new Date().toISOString()}`)
  for (const line of machine()) print(line)
  print('command: npm run bench')
  print()
  const started = performance.now()
  for (const section of SECTIONS) await runSection(section)
  print(`total: ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

await main()
