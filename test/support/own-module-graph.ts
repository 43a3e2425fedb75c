/**
 * Test files that need a module graph of their own: they mock a module, replace a global or set
 * `process.env` without putting it back (`test/support/scoped-env.ts` does). Every other file
 * shares its worker's modules with the files run before it (a fresh graph per file was most of
 * the suite's CPU time). `test/unit/own-module-graph.test.ts` keeps this list complete.
 */
export const OWN_MODULE_GRAPH = [
  'test/integration/deliver/deliver-due.test.ts',
  'test/integration/log-scan.test.ts',
  'test/unit/schemas-built-on-use.test.ts',
]
