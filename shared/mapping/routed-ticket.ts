import type { DeliveryRoute } from '../config/compile-config.js'
import type { AlertEnvelope } from '../envelope.js'
import type { HaloDirectory } from '../halo/halo-directory.js'
import type { HaloTicketInput } from '../halo/schemas.js'
import { contactHints, mapTicket } from './map-alert.js'
import { routeTenant, type TenantRouting } from './route-tenant.js'

/**
 * The ticket a create sends for an alert: the route's ticket templates rendered (`mapTicket`),
 * then its client, site, asset and contact found (`routeTenant`, with the `tenant.contact`
 * templates rendered by `contactHints`). Whatever decided the create (an alert, a timer) makes
 * its ticket here, so every create routes the same way.
 *
 * @throws PayloadError when the templates do not make a valid ticket
 * @throws UnroutableError when nothing routes the alert to a client
 */
export const routedTicket = async (
  route: DeliveryRoute,
  envelope: AlertEnvelope,
  directory: HaloDirectory,
  /** When the ticket is created, for `alert.inBusinessHours`. @default when the alert came in */
  at?: Date,
): Promise<{ ticket: HaloTicketInput; routing: TenantRouting }> => {
  const mapped = await mapTicket(route, envelope, at)
  const contact = await contactHints(route, envelope)
  return routeTenant(mapped, envelope.alert, route.tenant, directory, contact)
}
