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
  const directory = createHaloDirectory(halo, {
    ttlMs: 60_000,
    negativeTtlMs: 5_000,
    now: () => now,
  })
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

  it("finds a client's users by exact e-mail or name, whatever Halo's search also matched", async () => {
    const { directory } = setup()

    expect(
      await directory.contacts(12, { by: 'email', value: 'PRIYA.SHAH@acme-dental.example' }),
    ).toEqual([{ id: 101, clientId: 12, siteId: 21 }])
    // Halo's search also answers tom.okafor@ and t.okafor@ for "okafor": neither is exact.
    expect(
      await directory.contacts(12, { by: 'email', value: 'okafor@acme-dental.example' }),
    ).toEqual([])
    expect(await directory.contacts(12, { by: 'name', value: 'tom okafor' })).toEqual([
      { id: 102, clientId: 12, siteId: 22 },
      { id: 106, clientId: 12, siteId: 21 },
    ])
    // Within the client only, and never an inactive user.
    expect(
      await directory.contacts(12, { by: 'email', value: 'lena.fischer@brightwater.example' }),
    ).toEqual([])
    expect(
      await directory.contacts(12, { by: 'email', value: 'sam.reed@acme-dental.example' }),
    ).toEqual([])
  })

  it('keeps a contact found for the TTL, and one not found (or found twice) only briefly', async () => {
    const { halo, directory, advance } = setup()
    const found = { by: 'email', value: 'priya.shah@acme-dental.example' } as const
    const twice = { by: 'name', value: 'Tom Okafor' } as const
    const nobody = { by: 'email', value: 'nobody@acme-dental.example' } as const
    const lookUpAll = () =>
      Promise.all([
        directory.contacts(12, found),
        directory.contacts(12, { ...found, value: 'Priya.Shah@ACME-dental.example' }),
        directory.contacts(12, twice),
        directory.contacts(12, nobody),
      ])

    await lookUpAll()
    await lookUpAll()
    expect(halo.calls.sent('GET /Users')).toBe(3) // one per contact, case aside, shared in flight
    advance(5_001)
    await lookUpAll()
    expect(halo.calls.sent('GET /Users')).toBe(5) // the two negatives again
    advance(55_000)
    await lookUpAll()
    expect(halo.calls.sent('GET /Users')).toBe(8) // all three after the TTL
  })

  it('keeps contacts of different clients apart', async () => {
    const { halo, directory } = setup()
    const lookup = { by: 'email', value: 'priya.shah@acme-dental.example' } as const

    expect(await directory.contacts(12, lookup)).toHaveLength(1)
    expect(await directory.contacts(13, lookup)).toEqual([])
    expect(halo.calls.sent('GET /Users')).toBe(2)
  })
})
