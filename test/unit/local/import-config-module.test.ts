import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importConfigModule } from '../../../local/import-config-module.js'

/** Node's refusal of a module, as its loader throws it: an Error with a code. */
const refusal = (code: string) => async () => {
  throw Object.assign(new Error(`refused (${code})`), { code })
}

describe('importConfigModule', () => {
  let project: string
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'config-module-'))
    mkdirSync(join(project, 'node_modules'))
    // A config as the project's own: TypeScript, importing a neighbour by its `.js` name.
    writeFileSync(
      join(project, 'helper.ts'),
      'export const summary: string = "{% alert.title %}"\n',
    )
    writeFileSync(
      join(project, 'config.ts'),
      "import { summary } from './helper.js'\nexport default { routes: { a: { summary } } }\n",
    )
  })
  afterEach(() => rmSync(project, { recursive: true, force: true }))

  const href = () => pathToFileURL(join(project, 'config.ts')).href

  // Node 20 does not know `.ts`; Node 22.18 and later strip its types but cannot resolve
  // `./helper.js` to `./helper.ts`, nor run TypeScript that is more than types.
  it.each([
    'ERR_UNKNOWN_FILE_EXTENSION',
    'ERR_MODULE_NOT_FOUND',
    'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX',
  ])('loads a TypeScript config from its bundle when Node refuses it with %s', async (code) => {
    const module = await importConfigModule(href(), refusal(code))

    expect(module.default).toEqual({ routes: { a: { summary: '{% alert.title %}' } } })
  })

  it('passes on any other failure, and every failure of a JavaScript config', async () => {
    await expect(importConfigModule(href(), refusal('ERR_REQUIRE_CYCLE_MODULE'))).rejects.toThrow(
      /ERR_REQUIRE_CYCLE_MODULE/,
    )
    const js = pathToFileURL(join(project, 'config.mjs')).href
    await expect(importConfigModule(js, refusal('ERR_MODULE_NOT_FOUND'))).rejects.toThrow(
      /ERR_MODULE_NOT_FOUND/,
    )
  })
})
