import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHaloSandbox } from '../../../local/halo-sandbox/start-halo-sandbox.js'
import { createHaloClient } from '../../../shared/halo/halo-client.js'
import { createHaloDirectory } from '../../../shared/halo/halo-directory.js'

let sandbox: Awaited<ReturnType<typeof startHaloSandbox>>
beforeAll(async () => {
  sandbox = await startHaloSandbox({ port: 0 })
})
afterAll(() => sandbox.close())

const setup = () => {
  let now = 0
  const halo = createHaloClient({
    baseUrl: sandbox.url,
    clientId: 'halo-hooks-local',
    clientSecret: 'local-sandbox-secret',
  })
  const directory = createHaloDirectory(halo, { ttlMs: 60_000, now: () => now })
  return { halo, directory, advance: (ms: number) => (now += ms) }
}

describe('createHaloDirectory against the sandbox', () => {
  it('finds a client by exact name and an asset by host name or tag', async () => {
    const { directory } = setup()
    expect(await directory.clientIdByName('acme dental')).toBe(12)
    expect(await directory.clientIdByName('Acme')).toBeUndefined() // a substring is not a match
    expect(await directory.asset({ hostname: 'bwl-fw01' })).toEqual({
      id: 505,
      clientId: 13,
      siteId: 31,
    })
    expect(await directory.asset({ inventoryNumber: 'COB-0001' })).toMatchObject({
      id: 506,
      clientId: 14,
    })
  })

  it('caches answers, misses included, until the TTL passes, and shares concurrent lookups', async () => {
    const { halo, directory, advance } = setup()
    await Promise.all([
      directory.asset({ hostname: 'acme-dc01' }),
      directory.asset({ hostname: 'acme-dc01' }),
    ])
    await directory.asset({ hostname: 'no-such-host' })
    await directory.asset({ hostname: 'no-such-host' })
    expect(halo.calls.sent('GET /Asset')).toBe(2)
    advance(60_001)
    await directory.asset({ hostname: 'acme-dc01' })
    expect(halo.calls.sent('GET /Asset')).toBe(3)
  })
})
