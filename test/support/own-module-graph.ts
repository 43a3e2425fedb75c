/**
 * Test files that need a module graph of their own: they set `process.env` before importing a
 * handler that reads it at load, mock a module, or replace a global. Every other file shares its
 * worker's modules with the files run before it (a fresh graph per file was most of the suite's
 * CPU time). `test/unit/own-module-graph.test.ts` keeps this list complete.
 */
export const OWN_MODULE_GRAPH = [
  'test/integration/aws/deliver-handler.test.ts',
  'test/integration/aws/due-handler.test.ts',
  'test/integration/aws/ingest-handler.test.ts',
  'test/integration/aws/sweep-handler.test.ts',
  'test/integration/deliver/deliver-due.test.ts',
  'test/integration/log-scan.test.ts',
]
