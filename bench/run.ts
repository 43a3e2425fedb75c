import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { machine } from './support/format.js'

// `npm run bench`: every benchmark section in one run on one machine, each figure a ratio against
// a baseline measured in the same run. A section whose module is missing is skipped with a note;
// a section that fails prints its error and the run goes on. `npm run bench -- cold` runs only
// the sections whose name or title contains one of the words given.

type Section = {
  /** A short name to pick the section by (`npm run bench -- <name>`). */
  name: string
  title: string
  /** Module path relative to this file, and the function it exports. */
  module: string
  run: string
}

const SECTIONS: Section[] = [
  {
    name: 'ingest',
    title: 'Ingest throughput and latency',
    module: './ingest-throughput.bench.ts',
    run: 'benchIngestThroughput',
  },
  {
    name: 'memory',
    title: 'Memory per queued envelopes',
    module: './memory.bench.ts',
    run: 'benchMemory',
  },
  { name: 'halo', title: 'Halo client', module: './halo-client.bench.ts', run: 'benchHaloClient' },
  {
    name: 'cold',
    title: 'Lambda bundles, cold start and cost',
    module: './lambda-bundles.bench.ts',
    run: 'benchLambdaBundles',
  },
  { name: 'delivery', title: 'Delivery', module: './delivery.bench.ts', run: 'benchDelivery' },
  {
    name: 'storm',
    title: 'Alert storm against a strict rolling limit',
    module: './storm.bench.ts',
    run: 'benchStorm',
  },
  {
    name: 'billing',
    title: 'Deliver Lambda billed time with a saturated budget',
    module: './deliver-billing.bench.ts',
    run: 'benchDeliverBilling',
  },
  {
    name: 'two-way',
    title: "Halo requests per event with and without Halo's webhooks",
    module: './two-way.bench.ts',
    run: 'benchTwoWay',
  },
  {
    name: 'group',
    title: 'Halo requests per event for a 50-host outage, with and without incident grouping',
    module: './incident.bench.ts',
    run: 'benchIncident',
  },
  {
    name: 'contact',
    title: 'Halo requests per created ticket with tenant.contact',
    module: './contact.bench.ts',
    run: 'benchContact',
  },
  {
    name: 'start',
    title: 'npm start: time to listen',
    module: './local-start.bench.ts',
    run: 'benchLocalStart',
  },
  {
    name: 'loop',
    title: 'npm test: the developer loop',
    module: './test-loop.bench.ts',
    run: 'benchTestLoop',
  },
  {
    name: 'sweep',
    title: "The reconcile sweep's share of the Halo budget",
    module: './reconcile-sweep.bench.ts',
    run: 'benchReconcileSweep',
  },
  {
    name: 'due',
    title: "The due sweep's cost per run and per month",
    module: './due-sweep.bench.ts',
    run: 'benchDueSweep',
  },
  {
    name: 'sqlite',
    title: "The local gateway's state in SQLite against memory",
    module: './sqlite-state.bench.ts',
    run: 'benchSqliteState',
  },
  {
    name: 'heartbeats',
    title: 'Heartbeats: what the due index and the sweep cost per 1,000 pings',
    module: './heartbeats.bench.ts',
    run: 'benchHeartbeats',
  },
  {
    name: 'flapping',
    title: 'Halo requests for a flapping monitor with and without the noise policies',
    module: './flapping.bench.ts',
    run: 'benchFlapping',
  },
  {
    name: 'cost',
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

/** The sections `words` pick (a word matches a section's name or its title); all when none. */
const selected = (words: readonly string[]): Section[] => {
  if (words.length === 0) return SECTIONS
  const lower = words.map((word) => word.toLowerCase())
  const picked = SECTIONS.filter((section) =>
    lower.some((word) => section.name === word || section.title.toLowerCase().includes(word)),
  )
  if (picked.length === 0) {
    const names = SECTIONS.map((section) => section.name).join(', ')
    throw new Error(`no bench section matches ${words.join(' ')} (sections: ${names})`)
  }
  return picked
}

const main = async () => {
  const words = process.argv.slice(2)
  const sections = selected(words)
  print('# halo-hooks benchmarks')
  print(`date: ${new Date().toISOString()}`)
  for (const line of machine()) print(line)
  print(`command: npm run bench${words.length ? ` -- ${words.join(' ')}` : ''}`)
  print()
  const started = performance.now()
  for (const section of sections) await runSection(section)
  print(`total: ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

await main()
