import type { HaloClient } from './halo-client.js'

/** An asset as routing needs it. */
export type DirectoryAsset = { id: number; clientId?: number; siteId?: number }

/** Halo's identity data that tenant routing reads: clients by name, assets by host or tag. */
export interface HaloDirectory {
  clientIdByName(name: string): Promise<number | undefined>
  asset(lookup: {
    hostname?: string
    inventoryNumber?: string
  }): Promise<DirectoryAsset | undefined>
}

/** How long routing lookups are kept: long enough that steady state spends no requests on them. */
export const DIRECTORY_TTL_MS = 60 * 60_000

type Cached<T> = { value: T; expiresAt: number }

/**
 * Lookups against Halo, cached for `ttlMs` (misses too), so steady-state deliveries spend no
 * Halo requests on routing. Concurrent lookups of the same name share one request.
 */
export const createHaloDirectory = (
  halo: Pick<HaloClient, 'listClients' | 'findAssets'>,
  { ttlMs, now = Date.now }: { ttlMs: number; now?: () => number },
): HaloDirectory => {
  const cache = new Map<string, Cached<Promise<unknown>>>()
  const cached = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = cache.get(key)
    if (hit && hit.expiresAt > now()) return hit.value as Promise<T>
    const value = load()
    cache.set(key, { value, expiresAt: now() + ttlMs })
    value.catch(() => cache.delete(key)) // a failed lookup is retried next time, not cached
    return value
  }

  return {
    clientIdByName: (name) =>
      cached(`client:${name.toLowerCase()}`, async () => {
        const { items } = await halo.listClients({ search: name })
        return items.find((client) => client.name?.toLowerCase() === name.toLowerCase())?.id
      }),
    asset: (lookup) =>
      cached(
        `asset:${lookup.hostname ?? ''}:${lookup.inventoryNumber ?? ''}`.toLowerCase(),
        async () => {
          const [asset] = await halo.findAssets(lookup)
          if (!asset) return undefined
          return {
            id: asset.id,
            ...(asset.client_id == null ? {} : { clientId: asset.client_id }),
            ...(asset.site_id == null ? {} : { siteId: asset.site_id }),
          }
        },
      ),
  }
}
