import type { Alert } from '../alert.js'
import { UnroutableError } from '../errors.js'
import type { HaloDirectory } from '../halo/halo-directory.js'
import type { HaloTicketInput } from '../halo/schemas.js'
import { assetHostname } from './asset-hostname.js'
import type { TenantPolicy } from './tenant-policy.js'

/** How the client was found, for the audit line and the dry run. */
export type TenantRouting = { clientId: number; via: string; assetId?: number; siteId?: number }

/**
 * Completes a mapped ticket with its Halo client (and site and asset): the route's templates
 * first, then the route's mapping table, a Halo lookup by name, the alert's asset, and only then
 * an explicit fallback. An asset is looked up by the resource's host name (`assetHostname`: no
 * port, lower case) or by the resource as an asset tag. Throws `UnroutableError` when nothing
 * routes it.
 */
export const routeTenant = async (
  ticket: HaloTicketInput,
  alert: Pick<Alert, 'tenant' | 'resource'>,
  policy: TenantPolicy,
  directory: HaloDirectory,
): Promise<{ ticket: HaloTicketInput; routing: TenantRouting }> => {
  const asset =
    policy.asset === 'none' || !alert.resource
      ? undefined
      : await directory.asset(
          policy.asset === 'hostname'
            ? { hostname: assetHostname(alert.resource) }
            : { inventoryNumber: alert.resource },
        )
  const withAsset = (clientId: number, via: string, siteFromAsset: boolean) => {
    const sameClient = asset && asset.clientId === clientId
    const siteId = ticket.site_id ?? (siteFromAsset || sameClient ? asset?.siteId : undefined)
    return {
      ticket: {
        ...ticket,
        client_id: clientId,
        ...(siteId === undefined ? {} : { site_id: siteId }),
        // An asset of another client is not linked: Halo would refuse or misfile it.
        ...(asset && (sameClient || siteFromAsset)
          ? { assets: [...(ticket.assets ?? []), { id: asset.id }] }
          : {}),
      },
      routing: {
        clientId,
        via,
        ...(asset ? { assetId: asset.id } : {}),
        ...(siteId === undefined ? {} : { siteId }),
      },
    }
  }

  if (ticket.client_id !== undefined) return withAsset(ticket.client_id, 'ticket template', false)
  const { id, name } = alert.tenant ?? {}
  for (const hint of [id, name]) {
    const mapped = hint === undefined ? undefined : policy.clients[hint]
    if (mapped !== undefined) return withAsset(mapped, `tenant map (${hint})`, false)
  }
  if (policy.lookupClientByName && name) {
    const found = await directory.clientIdByName(name)
    if (found !== undefined) return withAsset(found, `Halo client named "${name}"`, false)
  }
  if (asset?.clientId !== undefined && policy.clientFromAsset) {
    return withAsset(asset.clientId, `asset ${asset.id}`, true)
  }
  if (policy.fallbackClientId !== undefined)
    return withAsset(policy.fallbackClientId, 'fallback', false)
  const hints = [
    id && `tenant id "${id}"`,
    name && `tenant name "${name}"`,
    alert.resource && `resource "${alert.resource}"`,
  ]
    .filter(Boolean)
    .join(', ')
  throw new UnroutableError(
    `no Halo client for this alert (${hints || 'no tenant hints'}); add it to tenant.clients or set tenant.fallbackClientId`,
  )
}
