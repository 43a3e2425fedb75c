import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OWN_MODULE_GRAPH } from '../support/own-module-graph.js'
import { REPO_ROOT } from '../support/processes.js'

/** What makes a test file change state that later files in its worker would see. */
const GLOBAL_CHANGES: [string, RegExp][] = [
  [
    'sets process.env',
    /Object\.assign\(\s*process\.env|process\.env(\.\w+|\[[^\]]+\])\s*=[^=]|delete process\.env/,
  ],
  ['mocks a module', /\bvi\.(mock|doMock|stubGlobal|resetModules)\(/],
  ['replaces a global', /\bglobalThis\.\w+\s*=[^=]/],
  ['imports a Lambda handler (it reads process.env at load)', /functions\/\w+\/handler\.js/],
]

/** `setEnv` puts the environment back only when its restore is called (in `afterAll`). */
const SETS_ENV = /\bsetEnv\(/
const RESTORES_ENV = /afterAll\([\s\S]*\brestoreEnv\(\)/
/** `vi.stubEnv` likewise, with `vi.unstubAllEnvs()` after each test or after all. */
const STUBS_ENV = /\bvi\.stubEnv\(/
const UNSTUBS_ENV = /after(Each|All)\([\s\S]*\bvi\.unstubAllEnvs\(\)/

/** Every test file but this one (whose patterns are text that matches them). */
const sharedLayerFiles = (): string[] =>
  ['test/unit', 'test/integration', 'test/e2e', 'test/infra'].flatMap((dir) =>
    readdirSync(join(REPO_ROOT, dir), { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.test.ts'))
      .map((name) => `${dir}/${name}`)
      .filter((file) => file !== 'test/unit/own-module-graph.test.ts'),
  )

describe('test files with a module graph of their own', () => {
  it('lists every file that changes global state, so no other file inherits it', () => {
    const unlisted = sharedLayerFiles().flatMap((file) => {
      if (OWN_MODULE_GRAPH.includes(file)) return []
      const text = readFileSync(join(REPO_ROOT, file), 'utf8')
      const unrestored = [
        ...(SETS_ENV.test(text) && !RESTORES_ENV.test(text)
          ? [`${file} sets process.env with setEnv and never calls restoreEnv() in afterAll`]
          : []),
        ...(STUBS_ENV.test(text) && !UNSTUBS_ENV.test(text)
          ? [`${file} stubs process.env and never calls vi.unstubAllEnvs() after it`]
          : []),
      ]
      return [
        ...GLOBAL_CHANGES.filter(([, pattern]) => pattern.test(text)).map(
          ([why]) => `${file} ${why}`,
        ),
        ...unrestored,
      ]
    })
    expect(unlisted).toEqual([])
  })

  it('sees a file that sets the environment and never puts it back', () => {
    expect(SETS_ENV.test('restoreEnv = setEnv({ A: "1" })')).toBe(true)
    expect(RESTORES_ENV.test('afterAll(async () => {\n  await x()\n  restoreEnv()\n})')).toBe(true)
    expect(RESTORES_ENV.test('afterAll(async () => {\n  await x()\n})\nrestoreEnv')).toBe(false)
    expect(STUBS_ENV.test("vi.stubEnv('A', '1')")).toBe(true)
    expect(UNSTUBS_ENV.test('afterEach(() => {\n  vi.unstubAllEnvs()\n})')).toBe(true)
    expect(UNSTUBS_ENV.test("vi.unstubAllEnvs()\nafterEach(() => vi.stubEnv('A', '1'))")).toBe(
      false,
    )
  })

  it('lists only files that exist and need it', () => {
    for (const file of OWN_MODULE_GRAPH) {
      expect(existsSync(join(REPO_ROOT, file)), file).toBe(true)
      const text = readFileSync(join(REPO_ROOT, file), 'utf8')
      expect(
        GLOBAL_CHANGES.some(([, pattern]) => pattern.test(text)),
        file,
      ).toBe(true)
    }
  })

  it('sees a file that sets process.env (the check is not blind)', () => {
    const [, pattern] = GLOBAL_CHANGES[0] as [string, RegExp]
    expect(pattern.test("Object.assign(process.env, { A: '1' })")).toBe(true)
    expect(pattern.test("process.env.HALO_URL = 'x'")).toBe(true)
    expect(pattern.test('const url = process.env.HALO_URL')).toBe(false)
  })
})
