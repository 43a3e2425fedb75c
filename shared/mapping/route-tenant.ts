import type { Alert } from '../alert.js'
import { AppError, HaloApiError, UnroutableError } from '../errors.js'
import type { ContactLookup } from '../halo/contact-match.js'
import type { HaloDirectory } from '../halo/halo-directory.js'
import type { HaloTicketInput } from '../halo/schemas.js'
import { assetHostname } from './asset-hostname.js'
import { pickContact } from './pick-contact.js'
import type { TenantPolicy } from './tenant-policy.js'

/** The end user set on the ticket and how it was found, or why none was. */
export type ContactRouting = { userId: number; via: string } | { reason: string }

/** How the client (and contact) was found, for the audit line and the dry run. */
export type TenantRouting = {
  clientId: number
  via: string
  assetId?: number
  siteId?: number
  /** Only on a route with `tenant.contact`. */
  contact?: ContactRouting
}

/**
 * What the route's `tenant.contact` templates gave for this alert (blank values left out), or
 * why they gave nothing (`problem`, e.g. a template that failed).
 */
export type ContactHints = { email?: string; name?: string; problem?: string }

/**
 * Completes a mapped ticket with its Halo client (and site and asset): the route's templates
 * first, then the route's mapping table, a Halo lookup by name, the alert's asset, and only then
 * an explicit fallback. An asset is looked up by the resource's host name (`assetHostname`: no
 * port, lower case) or by the resource as an asset tag. Once the client is known, the route's
 * contact (`contact`, rendered from `tenant.contact`) is looked up among that client's users: see
 * {@link routeContact}. Throws `UnroutableError` when nothing routes the client; a contact that
 * is not found never fails the alert.
 */
export const routeTenant = async (
  ticket: HaloTicketInput,
  alert: Pick<Alert, 'tenant' | 'resource'>,
  policy: TenantPolicy,
  directory: HaloDirectory,
  contact: ContactHints = {},
): Promise<{ ticket: HaloTicketInput; routing: TenantRouting }> => {
  const asset =
    policy.asset === 'none' || !alert.resource
      ? undefined
      : await directory.asset(
          policy.asset === 'hostname'
            ? { hostname: assetHostname(alert.resource) }
            : { inventoryNumber: alert.resource },
        )
  const withAsset = async (clientId: number, via: string, siteFromAsset: boolean) => {
    const sameClient = asset && asset.clientId === clientId
    const siteId = ticket.site_id ?? (siteFromAsset || sameClient ? asset?.siteId : undefined)
    const routed = {
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
    return policy.contact ? routeContact(routed, contact, directory) : routed
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

type Routed = { ticket: HaloTicketInput; routing: TenantRouting }

const NO_HINTS = 'the tenant.contact templates gave no e-mail address or name: not set'

/**
 * Sets the ticket's end user (`user_id`) from the contact hints, within the routed client: the
 * e-mail address first, then the name when the address matched nobody. Exactly one user of the
 * client (see `pickContact`) is set, with that user's site when the ticket has none, because Halo
 * needs the site of a ticket's user. Anything else leaves `user_id` unset and says why in
 * `routing.contact`; a lookup Halo refuses for good (403...) does too, while one worth retrying
 * (429, 5xx) throws so the delivery is retried. A `user_id` set by the ticket templates is kept.
 */
const routeContact = async (
  routed: Routed,
  hints: ContactHints,
  directory: HaloDirectory,
): Promise<Routed> => {
  const { ticket, routing } = routed
  if (ticket.user_id !== undefined) {
    return {
      ticket,
      routing: { ...routing, contact: { userId: ticket.user_id, via: 'ticket template' } },
    }
  }
  const lookups: ContactLookup[] = [
    ...(hints.email ? [{ by: 'email' as const, value: hints.email }] : []),
    ...(hints.name ? [{ by: 'name' as const, value: hints.name }] : []),
  ]
  const tried: string[] = []
  for (const [index, lookup] of lookups.entries()) {
    let matches: Awaited<ReturnType<HaloDirectory['contacts']>>
    try {
      matches = await directory.contacts(routing.clientId, lookup)
    } catch (error) {
      if (!(error instanceof AppError) || error.retryable) throw error
      const why =
        error instanceof HaloApiError && error.status ? `HTTP ${error.status}` : error.code
      const reason = `the Halo user lookup failed (${why}): not set`
      return { ticket, routing: { ...routing, contact: { reason } } }
    }
    const choice = pickContact(lookup, matches, {
      clientId: routing.clientId,
      siteId: ticket.site_id,
    })
    if ('reason' in choice) {
      tried.push(choice.reason)
      if (matches.length === 0 && index < lookups.length - 1) continue
      return { ticket, routing: { ...routing, contact: { reason: tried.join('; ') } } }
    }
    const { user } = choice
    const siteId = ticket.site_id ?? user.siteId
    const how = lookup.by === 'email' ? `e-mail "${lookup.value}"` : `name "${lookup.value}"`
    return {
      ticket: {
        ...ticket,
        user_id: user.id,
        ...(siteId === undefined ? {} : { site_id: siteId }),
      },
      routing: {
        ...routing,
        ...(siteId === undefined ? {} : { siteId }),
        contact: { userId: user.id, via: `Halo user by ${how}` },
      },
    }
  }
  return { ticket, routing: { ...routing, contact: { reason: hints.problem ?? NO_HINTS } } }
}
