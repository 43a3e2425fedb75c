import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { LAMBDA_BUNDLING } from '../../infra/bundling.js'

const ERRORS = fileURLToPath(new URL('../../shared/errors.ts', import.meta.url))

// What each class's constructor needs when its arguments are not just a message.
const ARGUMENTS = `{
  AuthenticationError: ['signature_invalid', 'message'],
  PayloadError: ['payload_invalid', 'message'],
  LocalStateError: ['state_locked', 'message'],
  HaloApiError: [500, 'message', { kind: 'server', endpoint: 'GET /Tickets' }],
  OutboundApiError: ['pagerduty', 'PUT /incidents/{id}', 500, 'message'],
}`

/**
 * Every concrete error class of shared/errors.ts, bundled and minified as the Lambdas are, as
 * [exported name, instance's name].
 */
const bundledNames = async () => {
  // No banner: its createRequire needs a file URL, and these classes need no built-in module.
  const { banner: _banner, ...settings } = LAMBDA_BUNDLING
  const result = await build({
    ...settings,
    mainFields: [...settings.mainFields],
    conditions: [...settings.conditions],
    external: [],
    splitting: false,
    bundle: true,
    write: false,
    stdin: {
      contents: `import * as errors from ${JSON.stringify(ERRORS)}
const args = ${ARGUMENTS}
export const names = Object.entries(errors)
  .filter(([exported, value]) => exported !== 'AppError' && typeof value === 'function' && value.prototype instanceof Error)
  .flatMap(([exported, value]) => {
    try {
      return [[exported, Reflect.construct(value, args[exported] ?? ['message']).name]]
    } catch (error) {
      return [[exported, String(error)]]
    }
  })`,
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    logLevel: 'silent',
  })
  const code = result.outputFiles[0]?.text ?? ''
  const url = `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
  return ((await import(url)) as { names: [string, string][] }).names
}

describe('error names in the Lambda bundles', () => {
  it('every error class keeps its name when minified without keepNames', async () => {
    const names = await bundledNames()
    expect(names.length).toBeGreaterThan(15)
    for (const [exported, name] of names) expect(name, exported).toBe(exported)
  })
})
