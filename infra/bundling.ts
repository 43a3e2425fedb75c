/**
 * How both Lambda bundles are built (by the local esbuild, through NodejsFunction). Plain data,
 * so the handler tests and the bundle benchmark build exactly what the stack deploys.
 */
export const LAMBDA_BUNDLING = {
  format: 'esm',
  target: 'node24',
  platform: 'node',
  minify: true,
  sourcemap: true,
  /** So `error.name` (set from the class name) survives minification. */
  keepNames: true,
  /** The Node.js 24 runtime ships AWS SDK v3; leaving it out keeps bundles small. */
  external: ['@aws-sdk/*'],
  mainFields: ['module', 'main'],
  /** CommonJS dependencies bundled into ESM still call `require` for Node built-ins. */
  banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
} as const
