import type { CompiledRoute } from '../config/compile-config.js'
import type { AlertEnvelope } from '../envelope.js'
import { AppError, describeError } from '../errors.js'
import type { HaloDirectory } from '../halo/halo-directory.js'
import type { CorrelationStore } from '../lifecycle/correlation-store.js'
import { needsRecheck } from '../lifecycle/plan-lifecycle.js'
import { callOf } from './halo-commands.js'
import { planEnvelope } from './plan-envelope.js'

/**
 * What delivering an envelope would do now, without any write and without calling Halo: the
 * stored state it starts from, the lifecycle decision, and the Halo calls with their bodies.
 * Halo lookups that routing would make are listed instead of made.
 */
export const previewDelivery = async (
  envelope: AlertEnvelope,
  route: CompiledRoute,
  deps: { store: CorrelationStore; now: () => Date },
) => {
  const now = deps.now()
  const record = await deps.store.get(route.name, envelope.alert.key)
  const lookups: string[] = []
  const directory: HaloDirectory = {
    clientIdByName: async (name) => {
      lookups.push(`Halo client named "${name}"`)
      return undefined
    },
    asset: async ({ hostname, inventoryNumber }) => {
      lookups.push(
        hostname
          ? `Halo asset with host name "${hostname}"`
          : `Halo asset tagged "${inventoryNumber}"`,
      )
      return undefined
    },
  }
  const base = {
    envelopeId: envelope.id,
    key: envelope.alert.key,
    status: envelope.alert.status,
    state: record
      ? {
          state: record.state,
          ticketId: record.ticketId,
          occurrences: record.occurrences,
          lastSeen: record.lastSeen,
        }
      : null,
    // Delivery would first ask Halo whether the ticket is still open.
    recheck: record ? needsRecheck(record, route.lifecycle, now) : false,
    // An earlier write not recorded as done: delivery would finish it first, exactly as stored.
    ...(record?.pending
      ? {
          interruptedWrite: {
            envelopeId: record.pending.envelopeId,
            call: callOf(record.pending.command),
          },
        }
      : {}),
  }
  try {
    const planned = await planEnvelope(envelope, route, { directory, record, now })
    return {
      ...base,
      decision: planned.decision,
      calls: planned.command ? [callOf(planned.command)] : [],
      ...(planned.routing ? { routing: planned.routing } : {}),
      ...(lookups.length ? { lookupsNotMade: lookups } : {}),
    }
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    return {
      ...base,
      error: describeError(error),
      ...(lookups.length ? { lookupsNotMade: lookups } : {}),
    }
  }
}
