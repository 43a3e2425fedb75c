import { clipText } from '../clip-text.js'
import type { DeliveryRoute } from '../config/compile-config.js'
import { describeIssues } from '../describe-issues.js'
import type { AlertEnvelope } from '../envelope.js'
import { PayloadError, TemplateError } from '../errors.js'
import { HALO_READINGS } from '../halo/halo-readings.js'
import type { HaloTicketInput } from '../halo/schemas.js'
import { inBusinessHours } from '../lifecycle/business-hours.js'
import { problemKeyOf } from '../lifecycle/incident-key.js'
import { problemIdentity } from '../lifecycle/problem-identity.js'
import { safeRead } from '../schema-reading.js'
import type { ContactHints } from './route-tenant.js'

/**
 * What a route's templates can reach: `{% alert.title %}`, `{% payload.labels.instance %}`...
 * `inBusinessHours`: whether the ticket is created in the route's business hours (`alert.inBusinessHours`;
 * absent on a route without them).
 */
export const templateContext = (
  envelope: AlertEnvelope,
  maps: Readonly<Record<string, unknown>> = {},
  inBusinessHours?: boolean,
) => ({
  alert: inBusinessHours === undefined ? envelope.alert : { ...envelope.alert, inBusinessHours },
  maps,
  payload: envelope.raw,
  route: envelope.route,
  envelope: {
    id: envelope.id,
    type: envelope.type,
    source: envelope.source,
    receivedAt: envelope.receivedAt,
    deliveryId: envelope.deliveryId,
  },
})

/**
 * The longest ticket details we send: a technician reads no more, and the stored intent of the
 * write (which holds the ticket) must fit a DynamoDB item.
 */
const MAX_DETAILS = 32_000

/**
 * Renders a route's ticket templates for one alert and validates the result against Halo's ticket
 * fields, so a wrong type never reaches Halo. The problem's route-scoped identity always travels
 * in `third_party_id_string` (see problemIdentity). `at`: the instant the ticket is created,
 * which `alert.inBusinessHours` is read at (by default when the event was received). Throws
 * `PayloadError` (permanent) naming the fields that are wrong.
 */
export const mapTicket = async (
  route: Pick<DeliveryRoute, 'name' | 'ticket' | 'maps'> &
    Partial<Pick<DeliveryRoute, 'businessHours' | 'group'>>,
  envelope: AlertEnvelope,
  at: Date = new Date(envelope.receivedAt),
): Promise<HaloTicketInput> => {
  let rendered: unknown
  const hours = route.businessHours && inBusinessHours(route.businessHours, at)
  try {
    rendered = await route.ticket.render(templateContext(envelope, route.maps, hours))
  } catch (error) {
    if (error instanceof TemplateError) {
      throw new PayloadError('payload_invalid', `route ${route.name}: ${error.message}`)
    }
    throw error
  }
  const result = await safeRead(HALO_READINGS.ticketInput, {
    ...(rendered as object),
    third_party_id_string: problemIdentity(route.name, problemKeyOf(envelope.alert, route)),
  })
  if (!result.success) {
    throw new PayloadError(
      'payload_invalid',
      `route ${route.name}: the ticket templates did not yield a valid Halo ticket`,
      describeIssues(result.error, { prefix: ['ticket'], root: 'ticket' }),
    )
  }
  const { details } = result.data
  if (details === undefined || details.length <= MAX_DETAILS) return result.data
  return { ...result.data, details: clipText(details, MAX_DETAILS) }
}

const blankless = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined

/**
 * Renders a route's `tenant.contact` templates for one alert: the e-mail address and name to look
 * the ticket's end user up by, each left out unless it is a non-blank string. A template that
 * fails is not the alert's fault and must not lose it: the hints say why there are none instead.
 */
export const contactHints = async (
  route: Pick<DeliveryRoute, 'contact' | 'maps'>,
  envelope: AlertEnvelope,
): Promise<ContactHints> => {
  if (!route.contact) return {}
  let rendered: { email?: unknown; name?: unknown }
  try {
    rendered = ((await route.contact.render(templateContext(envelope, route.maps))) ?? {}) as {
      email?: unknown
      name?: unknown
    }
  } catch (error) {
    if (error instanceof TemplateError) return { problem: `${error.message}: not set` }
    throw error
  }
  const email = blankless(rendered.email)
  const name = blankless(rendered.name)
  return { ...(email ? { email } : {}), ...(name ? { name } : {}) }
}
