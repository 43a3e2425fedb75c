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
export default defineConfig({
  test: {
    maxWorkers,
    // Worker threads, not processes: less to start and to switch between on two cores.
    pool: 'threads',
    // Transformed modules are kept in node_modules/.experimental-vitest-cache for the next run
    // (and for the other workers of this one).
    experimental: { fsModuleCache: true },
    env: { CDK_VALIDATION: 'false', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      // Unit tests share no global state, so they share module instances too: a fresh module
      // graph per file was most of the unit layer's time.
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          isolate: false,
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
          isolate: false,
          ...INTEGRATION,
        },
      },
      {
        extends: true,
        test: { name: 'integration-isolated', include: OWN_MODULE_GRAPH, ...INTEGRATION },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          isolate: false,
          testTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          isolate: false,
          testTimeout: 60_000,
        },
      },
    ],
  },
})
