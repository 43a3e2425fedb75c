import { describe, expect, it } from 'vitest'
import { routesModuleSource } from '../../infra/bundling.js'
import type { RouteData } from '../../shared/config/route-data.js'
import { sources } from '../../shared/sources/registry.js'

const route = (source?: string): RouteData => ({
  ...(source ? { source } : {}),
  ticket: { summary: '{% alert.title %}', details: '' },
  maps: {},
  lifecycle: {} as RouteData['lifecycle'],
  noise: {} as RouteData['noise'],
  tenant: {} as RouteData['tenant'],
})

const importsOf = (code: string) => [...code.matchAll(/^import .* from "(.*)"$/gm)].map((m) => m[1])

describe('routesModuleSource (what stands for a function’s routes in its bundle)', () => {
  it('imports, for ingest, exactly the senders its routes name', async () => {
    const code = await routesModuleSource('ingest', {
      a: route('github'),
      b: route('generic'),
      c: route('github'),
    })

    expect(importsOf(code).filter((path) => path?.includes('/sources/'))).toEqual([
      expect.stringMatching(/\/shared\/sources\/generic\/generic-source\.ts$/),
      expect.stringMatching(/\/shared\/sources\/github\/github-source\.ts$/),
    ])
    expect(code).toContain('"generic": sender0, "github": sender1')
  })

  it('finds the module of every registered sender (docs/contributing.md, adding a sender)', async () => {
    for (const id of Object.keys(sources)) {
      const code = await routesModuleSource('ingest', { r: route(id) })
      expect(code).toMatch(new RegExp(`/shared/sources/${id}/${id}-source\\.ts"$`, 'm'))
    }
  })

  it('imports no sender for deliver', async () => {
    const code = await routesModuleSource('deliver', { a: route(), b: route() })

    expect(importsOf(code)).toEqual([expect.stringMatching(/\/shared\/config\/route-data\.ts$/)])
  })
})
