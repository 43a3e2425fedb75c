import { type ContactLookup, matchesContact } from './contact-match.js'
import type { HaloClient } from './halo-client.js'

/** An asset as routing needs it. */
export type DirectoryAsset = { id: number; clientId?: number; siteId?: number }

/** An end user (contact) as routing needs it. */
export type DirectoryUser = { id: number; clientId?: number; siteId?: number }

/**
 * Halo's identity data that tenant routing reads: clients by name, assets by host or tag, and a
 * client's users by e-mail or name.
 */
export interface HaloDirectory {
  clientIdByName(name: string): Promise<number | undefined>
  asset(lookup: {
    hostname?: string
    inventoryNumber?: string
  }): Promise<DirectoryAsset | undefined>
  /**
   * The users Halo lists for `clientId` that are exactly this contact (`matchesContact`): none,
   * one or several. A Halo that ignored the client filter may answer users of other clients.
   */
  contacts(clientId: number, lookup: ContactLookup): Promise<DirectoryUser[]>
}

/** How long routing lookups are kept: long enough that steady state spends no requests on them. */
export const DIRECTORY_TTL_MS = 60 * 60_000

/**
 * How long a contact lookup that did not find exactly one person is kept: a user added or a
 * duplicate removed in Halo shows within minutes, while a storm of alerts for a contact Halo does
 * not know still costs one request per few minutes, not one per alert.
 */
export const DIRECTORY_NEGATIVE_TTL_MS = 5 * 60_000

type Cached<T> = { value: T; expiresAt: number }

/**
 * Lookups against Halo, cached for `ttlMs` (client and asset misses too), so steady-state
 * deliveries spend no Halo requests on routing. A contact lookup that found nobody, or more than
 * one person, is kept only `negativeTtlMs`. Concurrent lookups of the same key share one request.
 */
export const createHaloDirectory = (
  halo: Pick<HaloClient, 'listClients' | 'findAssets' | 'listUsers'>,
  {
    ttlMs,
    negativeTtlMs = Math.min(ttlMs, DIRECTORY_NEGATIVE_TTL_MS),
    now = Date.now,
  }: { ttlMs: number; negativeTtlMs?: number; now?: () => number },
): HaloDirectory => {
  const cache = new Map<string, Cached<Promise<unknown>>>()
  const cached = <T>(
    key: string,
    load: () => Promise<T>,
    keepFor: (value: T) => number = () => ttlMs,
  ): Promise<T> => {
    const hit = cache.get(key)
    if (hit && hit.expiresAt > now()) return hit.value as Promise<T>
    const value = load()
    const entry = { value, expiresAt: now() + ttlMs }
    cache.set(key, entry)
    value.then(
      (answer) => {
        entry.expiresAt = now() + keepFor(answer)
      },
      // A failed lookup is retried next time, not cached.
      () => cache.get(key) === entry && cache.delete(key),
    )
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
    contacts: (clientId, lookup) =>
      cached(
        `user:${clientId}:${lookup.by}:${lookup.value.trim().toLowerCase()}`,
        async (): Promise<DirectoryUser[]> => {
          const { items } = await halo.listUsers({
            client_id: clientId,
            search: lookup.value.trim(),
          })
          return items
            .filter((user) => matchesContact(user, lookup))
            .map((user) => ({
              id: user.id,
              ...(user.client_id == null ? {} : { clientId: user.client_id }),
              ...(user.site_id == null ? {} : { siteId: user.site_id }),
            }))
        },
        (users) => (users.length === 1 ? ttlMs : negativeTtlMs),
      ),
  }
}
