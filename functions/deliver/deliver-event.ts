import type { CompiledRoute } from '../../shared/config/compile-config.js'
import { type Envelope, EnvelopeSchema } from '../../shared/envelope.js'
import { PayloadError, UnknownRouteError } from '../../shared/errors.js'
import type { HaloClient } from '../../shared/halo/halo-client.js'
import type { HaloCommand } from '../../shared/mapping/halo-command.js'
import { mapTicket } from '../../shared/mapping/map-alert.js'
import type { Logger } from '../../shared/observability.js'
import { describeIssues } from '../../shared/sources/parse-body.js'

export type DeliverDeps = {
  routes: ReadonlyMap<string, CompiledRoute>
  halo: Pick<HaloClient, 'createTicket'>
  logger: Logger
  now: () => Date
}

export type DeliveryOutcome = {
  outcome: 'delivered'
  envelopeId: string
  route: string
  ticketId: number
  action: 'created'
}

/** Reads a queue message as an envelope; an unreadable one is permanent (parked with reason). */
export const decodeEnvelope = (message: unknown): Envelope => {
  let json = message
  if (typeof message === 'string') {
    try {
      json = JSON.parse(message)
    } catch {
      throw new PayloadError('body_invalid', 'queue message is not JSON')
    }
  }
  const result = EnvelopeSchema.safeParse(json)
  if (!result.success) {
    throw new PayloadError(
      'payload_invalid',
      'queue message is not an envelope',
      describeIssues(result.error),
    )
  }
  return result.data
}

/** Plans the Halo calls for one envelope (pure apart from template evaluation). */
export const planDelivery = async (
  route: CompiledRoute,
  envelope: Envelope,
): Promise<HaloCommand[]> => [{ kind: 'createTicket', ticket: await mapTicket(route, envelope) }]

/**
 * Delivers one envelope to Halo. Resolves with what was done; throws an `AppError` otherwise,
 * whose `retryable` flag decides between deferring and parking (see classifyFailure).
 */
export const deliverEvent = async (
  message: unknown,
  deps: DeliverDeps,
): Promise<DeliveryOutcome> => {
  const envelope = decodeEnvelope(message)
  const route = deps.routes.get(envelope.route)
  if (!route) throw new UnknownRouteError(`route "${envelope.route}" is no longer configured`)
  const [command] = await planDelivery(route, envelope)
  if (command?.kind !== 'createTicket') throw new Error('unreachable: the plan creates a ticket')
  const ticket = await deps.halo.createTicket(command.ticket)
  const outcome: DeliveryOutcome = {
    outcome: 'delivered',
    envelopeId: envelope.id,
    route: envelope.route,
    ticketId: ticket.id,
    action: 'created',
  }
  deps.logger.info('envelope delivered', { ...outcome, key: envelope.alert.key })
  return outcome
}
