import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'
import { OWN_MODULE_GRAPH } from './test/support/own-module-graph.js'
import { WaitingApartSequencer } from './test/support/waiting-apart-sequencer.js'

// Much of the suite's time is spent waiting (on the Halo sandbox, DynamoDB Local, gateways and
// their timers), not computing: one more test file than cores runs at once. Vitest's default (one
// fewer than the cores) ran one file at a time on a 2-core machine: 110 s against 48 s; four
// workers, with every layer in one project, took 1.02× the wall time of three (three alternated
// pairs, 1.01–1.21×) for the same CPU.
const maxWorkers = Math.max(2, availableParallelism() + 1)

// One project for every layer (unit, integration, infra, e2e): a worker is reused only for the
// next file of its own project, so one project per layer started every worker again, with its
// module graph, at each layer's turn (medians of three runs on the 2-core machine: CPU 104 → 92 s,
// wall 64 → 60 s). One layer alone: `npx vitest run test/unit`.
const EVERY_LAYER = {
  // The shared DynamoDB Local starts beside the first files; only the files that use it wait.
  globalSetup: ['test/support/dynamodb-local-setup.ts'],
  // Long enough for a synth that bundles, or a gateway run, on a loaded 2-core machine.
  testTimeout: 60_000,
}

// The files share their worker's module graph (a fresh graph per file was most of the suite's CPU
// time); those that change global state get one each (`OWN_MODULE_GRAPH`).
export default defineConfig({
  test: {
    maxWorkers,
    isolate: false,
    // Worker threads, not processes: less to start and to switch between on two cores.
    pool: 'threads',
    // The files that mostly wait on real time run one after another, beside the others.
    sequence: { sequencer: WaitingApartSequencer },
    // Transformed modules are kept in node_modules/.experimental-vitest-cache for the next run
    // (and for the other workers of this one).
    experimental: { fsModuleCache: true },
    env: { CDK_VALIDATION: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: OWN_MODULE_GRAPH,
          ...EVERY_LAYER,
        },
      },
      {
        extends: true,
        test: {
          name: 'own-module-graph',
          include: OWN_MODULE_GRAPH,
          isolate: true,
          ...EVERY_LAYER,
        },
      },
    ],
  },
})
