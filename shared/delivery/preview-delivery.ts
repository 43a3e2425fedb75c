import type { DeliveryRoute } from '../config/compile-config.js'
import type { AlertEnvelope } from '../envelope.js'
import { AppError, describeError } from '../errors.js'
import type { HaloDirectory } from '../halo/halo-directory.js'
import type { CorrelationRecord, CorrelationStore } from '../lifecycle/correlation-store.js'
import { dueAtOf } from '../lifecycle/due.js'
import { explainPolicies } from '../lifecycle/explain-policies.js'
import { problemKeyOf } from '../lifecycle/incident-key.js'
import { needsRecheck, needsWorkCheck } from '../lifecycle/plan-lifecycle.js'
import type { TenantRouting } from '../mapping/route-tenant.js'
import { callOf } from './halo-commands.js'
import { planEnvelope } from './plan-envelope.js'

/** When a timer would decide on the problem, if its state holds a deadline. */
const dueAt = (state: CorrelationRecord): { dueAt?: string } => {
  const at = dueAtOf(state)
  return at === undefined ? {} : { dueAt: at }
}

const policiesOf = (policies: Record<string, unknown>) =>
  Object.keys(policies).length ? { policies } : {}

/** The plan when the work check finds a person has worked the ticket. */
const ifWorked = async (
  envelope: AlertEnvelope,
  route: DeliveryRoute,
  directory: HaloDirectory,
  record: CorrelationRecord,
  now: Date,
) => {
  const work = { worked: true, by: 'a technician' } as const
  const planned = await planEnvelope(envelope, route, { directory, record, now, work })
  return { decision: planned.decision, calls: planned.command ? [callOf(planned.command)] : [] }
}

/**
 * How the route's incident grouping takes the alert: its group key and the incident's members as
 * stored, or why it is not grouped (the group key yielded nothing: its own ticket).
 */
const incidentOf = (
  envelope: AlertEnvelope,
  route: DeliveryRoute,
  record: CorrelationRecord | undefined,
) => {
  if (!route.group) return {}
  const { group, key } = envelope.alert
  if (group === undefined) {
    return {
      warnings: [
        `routes.${route.name}.group: the group key yielded nothing for this alert${route.group.key === undefined ? ' (by default its tenant, and it names none on a route that finds its client per alert)' : ' (or its template failed for this payload)'}, so it is not grouped (its own ticket, key ${key})`,
      ],
    }
  }
  const members = Object.entries(record?.incident?.members ?? {})
  return {
    incident: {
      group,
      member: key,
      firing: members.filter(([, member]) => member.status === 'firing').length,
      members: members.length + (record?.incident?.untracked ?? 0),
      ...(record?.incident?.noteDueAt ? { noteDueAt: record.incident.noteDueAt } : {}),
    },
  }
}

/**
 * A contact the dry run could not look up is not "not found": say what delivery would decide by.
 */
const undecidedContact = (routing: TenantRouting, contactLookups: readonly string[]) =>
  contactLookups.length && routing.contact && 'reason' in routing.contact
    ? {
        ...routing,
        contact: {
          reason: `not looked up in a dry run: delivery sets user_id when exactly one user matches (${contactLookups.join(', else ')})`,
        },
      }
    : routing

/**
 * What delivering an envelope would do now, without any write and without calling Halo: the
 * stored state it starts from, the lifecycle decision, and the Halo calls with their bodies.
 * Halo lookups that routing would make are listed instead of made; a resolve that first reads
 * whether a technician worked the ticket shows both outcomes (`workCheck`). Where the state before
 * or after holds a deadline (`dueAtOf`), it says when a timer decides on the problem without an
 * event (`state.dueAt`, `dueAtAfter`).
 */
export const previewDelivery = async (
  envelope: AlertEnvelope,
  route: DeliveryRoute,
  deps: {
    store: CorrelationStore
    now: () => Date
    /**
     * The states the alerts before this one (of the same request) would leave, by `route:key`:
     * read before the store and updated with this plan, so a request with many alerts of one
     * problem (an incident's members) previews as delivery would take them, one after another.
     */
    carried?: Map<string, CorrelationRecord>
  },
) => {
  const now = deps.now()
  const key = problemKeyOf(envelope.alert, route)
  const slot = `${route.name}:${key}`
  const record = deps.carried?.get(slot) ?? (await deps.store.get(route.name, key))
  const lookups: string[] = []
  const contactLookups: string[] = []
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
    contacts: async (clientId, { by, value }) => {
      const lookup = `Halo users of client ${clientId} ${by === 'email' ? `with e-mail "${value}"` : `named "${value}"`}`
      lookups.push(lookup)
      contactLookups.push(lookup)
      return []
    },
  }
  const base = {
    envelopeId: envelope.id,
    key,
    status: envelope.alert.status,
    ...incidentOf(envelope, route, record),
    state: record
      ? {
          state: record.state,
          ticketId: record.ticketId,
          occurrences: record.occurrences,
          lastSeen: record.lastSeen,
          ...dueAt(record),
        }
      : null,
    // Business hours, flapping and quiet resolves: where this alert stands against them.
    ...policiesOf(explainPolicies(record, envelope.alert, route, now)),
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
    const checked = needsWorkCheck(record, envelope.alert, route.lifecycle) ? record : undefined
    const untouched = checked ? { work: { worked: false } as const } : {}
    const planned = await planEnvelope(envelope, route, { directory, record, now, ...untouched })
    if (planned.next) {
      // A ticket this plan creates has no id before Halo answers: 0 stands for it.
      const ticketId = planned.command?.kind === 'createTicket' ? 0 : planned.next.ticketId
      deps.carried?.set(slot, { ...planned.next, ticketId, version: (record?.version ?? 0) + 1 })
    }
    const workCheck = checked && {
      // Delivery reads these first; the plan shown above is the one for an untouched ticket.
      reads: [
        `GET /api/Tickets/${checked.ticketId}`,
        `GET /api/Actions?ticket_id=${checked.ticketId}&excludesys=true`,
      ],
      rule: 'resolve: close-if-untouched closes the ticket only when no other agent has it and no person added an action; otherwise it adds a private note and leaves it open',
      ifWorked: await ifWorked(envelope, route, directory, checked, now),
    }
    return {
      ...base,
      decision: planned.decision,
      calls: planned.command ? [callOf(planned.command)] : [],
      ...(planned.next && dueAtOf(planned.next) ? { dueAtAfter: dueAtOf(planned.next) } : {}),
      ...(workCheck ? { workCheck } : {}),
      ...(planned.routing ? { routing: undecidedContact(planned.routing, contactLookups) } : {}),
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
