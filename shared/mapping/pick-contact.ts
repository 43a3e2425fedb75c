import type { ContactLookup } from '../halo/contact-match.js'
import type { DirectoryUser } from '../halo/halo-directory.js'

/** The contact chosen for a ticket, or why none was. */
export type ContactChoice = { user: DirectoryUser } | { reason: string }

const described = ({ by, value }: ContactLookup) =>
  by === 'email' ? `with e-mail "${value}"` : `named "${value}"`

const ids = (users: readonly DirectoryUser[]) => users.map((user) => user.id).join(', ')

/**
 * Chooses the ticket's end user among the Halo users that match a contact lookup: exactly one of
 * the routed client's users, preferring the ticket's site when several match and exactly one is
 * there. A user of another client is never chosen (Halo would misfile the ticket), nor one when
 * neither the ticket nor the user has a site (Halo needs the site of a ticket's user). Pure.
 */
export const pickContact = (
  lookup: ContactLookup,
  matches: readonly DirectoryUser[],
  ticket: { clientId: number; siteId?: number | undefined },
): ContactChoice => {
  const how = described(lookup)
  const client = `client ${ticket.clientId}`
  const inClient = matches.filter((user) => user.clientId === ticket.clientId)
  if (inClient.length === 0) {
    // Only a Halo that ignored the client filter answers these; say whose they are.
    const others = matches
      .map((user) =>
        user.clientId === undefined
          ? `user ${user.id} of no known client`
          : `user ${user.id} of client ${user.clientId}`,
      )
      .join(', ')
    const only = others ? ` (only ${others})` : ''
    return { reason: `no Halo user ${how} in ${client}${only}: not set` }
  }
  const atSite =
    ticket.siteId === undefined ? [] : inClient.filter((user) => user.siteId === ticket.siteId)
  const [only] = inClient.length === 1 ? inClient : atSite.length === 1 ? atSite : []
  if (!only) {
    return {
      reason: `${inClient.length} Halo users ${how} in ${client} (ids ${ids(inClient)}): not set`,
    }
  }
  if (ticket.siteId === undefined && only.siteId === undefined) {
    return {
      reason: `Halo user ${only.id} ${how} has no site, and Halo needs one for a ticket's user: not set`,
    }
  }
  return { user: only }
}
