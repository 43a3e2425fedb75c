import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { importBundled } from '../../../local/launch/cached-bundle.mjs'

describe('importBundled', () => {
  let project: string
  beforeEach(() => {
    project = mkdtempSync(join(tmpdir(), 'cached-bundle-'))
    // A node_modules folder makes the project root, where the build cache goes.
    mkdirSync(join(project, 'node_modules'))
    mkdirSync(join(project, 'src'))
  })
  afterEach(() => rmSync(project, { recursive: true, force: true }))

  // Written ten seconds ago unless said otherwise: a file changed as a build starts is built
  // again by the next one (below).
  const write = (file: string, text: string, secondsFromNow = -10) => {
    const path = join(project, file)
    writeFileSync(path, text)
    const when = new Date(Date.now() + secondsFromNow * 1000)
    utimesSync(path, when, when)
    return path
  }

  it('imports a TypeScript module with its imports, from node_modules/.cache/halo-hooks', async () => {
    write('src/answer.ts', 'export const answer: number = 41 + 1\n')
    const entry = write('src/main.ts', "export { answer } from './answer.js'\n")
    const module = await importBundled(entry)
    expect(module.answer).toBe(42)
  })

  it('builds again when an imported file changes, and reuses the build while nothing does', async () => {
    write('src/answer.ts', 'export const answer = 1\nexport const loadedAt = Math.random()\n')
    const entry = write('src/main.ts', "export * from './answer.js'\n")
    const first = await importBundled(entry)
    const again = await importBundled(entry)
    expect(again.loadedAt).toBe(first.loadedAt)

    write('src/answer.ts', 'export const answer = 2\nexport const loadedAt = Math.random()\n', 5)
    const changed = await importBundled(entry)
    expect(changed.answer).toBe(2)
  })

  it('builds again next time when a file changed as the last build read it', async () => {
    // An editor's save that lands while esbuild reads the file: its time is the build's own.
    const entry = write('src/main.ts', 'export const loadedAt = Math.random()\n', 0)
    const first = await importBundled(entry)
    const again = await importBundled(entry)
    expect(again.loadedAt).not.toBe(first.loadedAt)
  })

  it("keeps each source file's own import.meta.url inside the bundle", async () => {
    write(
      'src/where.ts',
      'export const where = [import.meta.url, import.meta.dirname, import.meta.filename]\n',
    )
    const entry = write('src/main.ts', "export { where } from './where.js'\n")
    const module = await importBundled(entry)
    const file = join(project, 'src/where.ts')
    expect(module.where).toEqual([pathToFileURL(file).href, join(project, 'src'), file])
  })

  // infra/bundling.ts writes generated code that mentions import.meta.url (a Lambda bundle's
  // banner), and synth runs it from its bundle.
  it('leaves the words import.meta.url inside a string as written', async () => {
    const entry = write(
      'src/main.ts',
      'export const banner: string = "createRequire(import.meta.url)"\nexport const url = import.meta.url\n',
    )
    const module = await importBundled(entry)
    expect(module).toMatchObject({
      banner: 'createRequire(import.meta.url)',
      url: pathToFileURL(entry).href,
    })
  })

  it('says what failed to build', async () => {
    const entry = write('src/main.ts', "export { missing } from './nowhere.js'\n")
    await expect(importBundled(entry)).rejects.toThrow(/nowhere/)
  })

  // How package.json runs the project's commands (`npm run send` is `node local/launch.mjs
  // local/send.ts`): the command gets its own arguments and finds itself the main module.
  it('runs a command from its bundle with its own arguments, as the main module', () => {
    const command = write(
      'src/command.ts',
      `import { fileURLToPath } from 'node:url'
      const main = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]
      console.log(JSON.stringify({ args: process.argv.slice(2), main }))\n`,
    )
    const launch = fileURLToPath(new URL('../../../local/launch.mjs', import.meta.url))

    // Once as named, once through a symbolic link to the project (a temp folder on macOS is one).
    const link = join(mkdtempSync(join(tmpdir(), 'cached-bundle-link-')), 'project')
    symlinkSync(project, link)
    const through = (path: string) =>
      JSON.parse(
        execFileSync(process.execPath, [launch, path, 'prometheus', '--x'], { encoding: 'utf8' }),
      )

    expect(through(command)).toEqual({ args: ['prometheus', '--x'], main: true })
    expect(through(join(link, 'src/command.ts'))).toEqual({
      args: ['prometheus', '--x'],
      main: true,
    })
    rmSync(dirname(link), { recursive: true, force: true })
  })
})
