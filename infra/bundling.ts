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
  /**
   * Nothing is external: the AWS SDK v3 clients are bundled from their ES module builds and
   * tree-shaken, which initialises far faster than the runtime's CommonJS copy loaded from
   * `node_modules` (BENCHMARKS.md, cold start).
   */
  external: [],
  /** ES module builds first: `module` for packages that only say so in `package.json`... */
  mainFields: ['module', 'main'],
  /**
   * ...and the `module` export condition for those with an `exports` map (`@aws-sdk/core`,
   * `@smithy/core`: `module` and `import` lead to `dist-es`, `node` to `dist-cjs`).
   */
  conditions: ['module'],
  /** CommonJS dependencies bundled into ESM still call `require` for Node built-ins. */
  banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
} as const
