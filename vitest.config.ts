import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'
import { OWN_MODULE_GRAPH } from './test/support/own-module-graph.js'

// Most of the suite's time is spent waiting (on the Halo sandbox, DynamoDB Local, gateways and
// their timers), not computing: twice as many test files as cores run at once. Vitest's default
// (one fewer than the cores) ran one file at a time on a 2-core machine: 110 s against 48 s.
const maxWorkers = Math.max(2, availableParallelism() * 2)

const INTEGRATION = {
  testTimeout: 20_000,
  globalSetup: ['test/support/dynamodb-local-setup.ts'],
}

// One project per test layer, so `vitest run --project unit` stays fast while CI runs them all.
// The files of a layer share their worker's module graph (a fresh graph per file was most of the
// suite's CPU time); those that change global state get one each (`OWN_MODULE_GRAPH`).
export default defineConfig({
  test: {
    maxWorkers,
    isolate: false,
    // Worker threads, not processes: less to start and to switch between on two cores.
    pool: 'threads',
    // Transformed modules are kept in node_modules/.experimental-vitest-cache for the next run
    // (and for the other workers of this one).
    experimental: { fsModuleCache: true },
    env: { CDK_VALIDATION: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: OWN_MODULE_GRAPH,
          // Property tests run hundreds of requests each; the default 5 s is too near on a loaded
          // 2-core machine while the other layers run beside them.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: OWN_MODULE_GRAPH,
          ...INTEGRATION,
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          exclude: OWN_MODULE_GRAPH,
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: OWN_MODULE_GRAPH,
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'own-module-graph',
          include: OWN_MODULE_GRAPH,
          isolate: true,
          ...INTEGRATION,
        },
      },
    ],
  },
})
