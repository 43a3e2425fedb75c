import { createHash, randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { bundleCacheDir, cachedBundleFunction, isCurrent } from '../../infra/bundle-cache.js'
import { PROJECT_ROOT } from '../../infra/bundling.js'
import type { RouteData } from '../../shared/config/route-data.js'

const route: RouteData = {
  ticket: { summary: '{% alert.title %}', details: '' },
  maps: {},
  lifecycle: {} as RouteData['lifecycle'],
  noise: {} as RouteData['noise'],
  tenant: {} as RouteData['tenant'],
}

type Manifest = { inputs: Record<string, string> }

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

describe('cachedBundleFunction', () => {
  const outdir = mkdtempSync(join(PROJECT_ROOT, '.tmp', 'bundle-cache-'))
  // Routes of this run only: the first bundle is always built, whatever an earlier run kept.
  const options = { fn: 'sweep' as const, routes: { [`r-${randomUUID()}`]: route } }
  const cache = bundleCacheDir(options)
  afterAll(() => {
    rmSync(outdir, { recursive: true, force: true })
    rmSync(cache, { recursive: true, force: true })
  })
  const manifest = () => JSON.parse(readFileSync(join(cache, 'manifest.json'), 'utf8')) as Manifest

  it('keeps a bundle with the content hash of every file it depends on, the bundler’s own among them', async () => {
    const entry = await cachedBundleFunction({ ...options, outdir: join(outdir, 'first') })

    expect(readFileSync(join(cache, 'bundle/index.mjs'), 'utf8')).toBe(readFileSync(entry, 'utf8'))
    const { inputs } = manifest()
    for (const file of [
      'functions/sweep/handler.ts',
      'infra/bundling.ts',
      'infra/merge-static-chunks.ts',
      'package-lock.json',
      'tsconfig.json',
    ]) {
      expect(inputs[file]).toMatch(/^[0-9a-f]{64}$/)
    }
    expect(Object.keys(inputs).some((file) => file.startsWith('node_modules/@aws-sdk/'))).toBe(true)
  })

  it('copies the kept bundle while nothing changed', async () => {
    // A file only the kept copy holds tells a copy from a build.
    writeFileSync(join(cache, 'bundle/kept-copy'), '')

    const copied = await cachedBundleFunction({ ...options, outdir: join(outdir, 'copied') })

    expect(existsSync(join(copied, '../kept-copy'))).toBe(true)
  })

  it('holds the kept bundle stale once any file it was built from holds something else', () => {
    const kept = readFileSync(join(cache, 'manifest.json'), 'utf8')
    expect(isCurrent(cache)).toBe(true)
    for (const file of ['shared/config/route-data.ts', 'infra/bundling.ts', 'package-lock.json']) {
      const changed = manifest()
      changed.inputs[file] = sha256('what the file held before')
      writeFileSync(join(cache, 'manifest.json'), JSON.stringify(changed))

      expect(isCurrent(cache), file).toBe(false)
    }
    writeFileSync(join(cache, 'manifest.json'), kept)
    expect(isCurrent(cache)).toBe(true)
  })

  it('keeps bundles with and without source maps apart', () => {
    expect(bundleCacheDir({ ...options, sourcemap: true })).not.toBe(cache)
    expect(bundleCacheDir({ ...options, sourcemap: false })).toBe(cache)
  })
})
