import type { RouteData } from '../shared/config/route-data.js'
import { cachedBundleFunction } from './bundle-cache.js'
import type { LambdaFunctionName } from './bundling.js'

// Bundles one of the stack's functions for NodeFunction's local bundling, which CDK runs
// synchronously while esbuild's plugins need its asynchronous API: the construct runs this file in
// a child process with `{ fn, routes, outdir, sourcemap }` as JSON on stdin. A bundle built
// before from the same files is copied from the cache (infra/bundle-cache.ts).

type Request = {
  fn: LambdaFunctionName
  routes: Record<string, RouteData>
  outdir: string
  sourcemap: boolean
}

const chunks: Buffer[] = []
for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Request
await cachedBundleFunction(request)
