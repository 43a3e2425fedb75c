import { describe, expect, it } from 'vitest'
import { DeployIncompleteError } from '../../../shared/errors.js'
import { haloClientFromSecret } from '../../../shared/halo/halo-client-from-secret.js'
import type { Secrets } from '../../../shared/secrets/secret-store.js'

const storeOf = (secrets: { current: Secrets }) => ({ get: async () => secrets.current })

describe('haloClientFromSecret', () => {
  it('builds one client per credentials and a new one when the secret changes', async () => {
    const secrets = { current: { routes: {}, halo: { clientId: 'a', clientSecret: 's1' } } }
    const built: string[] = []
    const client = haloClientFromSecret('https://halo.example', storeOf(secrets), (c) => {
      built.push(`${c.baseUrl} ${c.clientId} ${c.clientSecret}`)
      return { id: built.length }
    })

    expect(await client()).toEqual({ id: 1 })
    expect(await client()).toEqual({ id: 1 })
    secrets.current = { routes: {}, halo: { clientId: 'a', clientSecret: 's2' } }
    expect(await client()).toEqual({ id: 2 })
    expect(built).toEqual(['https://halo.example a s1', 'https://halo.example a s2'])
  })

  it('asks for a fresher secret before saying the credentials are missing', async () => {
    const stored = { routes: {}, halo: { clientId: 'a', clientSecret: 's1' } }
    const asked: Array<number | undefined> = []
    // A cache that still holds the value read before the credentials were stored.
    const cached = {
      get: async (freshness?: { maxAgeMs: number }) => {
        asked.push(freshness?.maxAgeMs)
        return freshness ? stored : { routes: {} }
      },
    }

    const client = haloClientFromSecret('https://halo.example', cached, (c) => c.clientSecret)

    expect(await client()).toBe('s1')
    expect(asked).toEqual([undefined, 30_000])
  })

  it('says the deploy is incomplete without a Halo URL or credentials', async () => {
    const empty = { current: { routes: {} } }
    await expect(haloClientFromSecret(undefined, storeOf(empty), () => 1)()).rejects.toThrow(
      DeployIncompleteError,
    )
    await expect(
      haloClientFromSecret('https://halo.example', storeOf(empty), () => 1)(),
    ).rejects.toThrow(/no credentials yet/)
  })
})
