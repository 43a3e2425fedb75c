import type { CompiledRoute } from '../config/compile-config.js'
import type { Envelope } from '../envelope.js'
import { AppError } from '../errors.js'
import type { HaloClient } from '../halo/halo-client.js'
import type { HaloDirectory } from '../halo/halo-directory.js'
import type { HaloActionInput, HaloTicketInput } from '../halo/schemas.js'
import type {
  CorrelationRecord,
  CorrelationStore,
  PendingWrite,
} from '../lifecycle/correlation-store.js'
import {
  type LifecycleDecision,
  type LifecyclePlan,
  needsRecheck,
  planLifecycle,
} from '../lifecycle/plan-lifecycle.js'
import type { HaloCommand } from '../mapping/halo-command.js'
import { mapTicket } from '../mapping/map-alert.js'
import { routeTenant, type TenantRouting } from '../mapping/route-tenant.js'
import type { Logger } from '../observability.js'
import { actionFor, effectReference } from './halo-effects.js'

/** Another worker changed the record between our read and our write: retry shortly. */
export class StateConflictError extends AppError {
  readonly code = 'state_conflict'
  readonly retryable = true
  readonly retryAfterMs = 1_000
}

export type DeliverEnvelopeDeps = {
  halo: Pick<
    HaloClient,
    'createTicket' | 'addAction' | 'getTicket' | 'listActions' | 'findTicketsByThirdPartyId'
  >
  store: CorrelationStore
  directory: HaloDirectory
  logger: Logger
  now: () => Date
}

export type DeliveryOutcome = {
  outcome: 'delivered' | 'deduplicated' | 'suppressed' | 'recorded'
  envelopeId: string
  route: string
  key: string
  /** What was done in Halo (delivered), or which rule decided (suppressed, recorded). */
  action?: LifecycleDecision['kind']
  ticketId?: number
  reason?: string
  routing?: TenantRouting
}

/** The plan for one envelope: its lifecycle decision and the Halo calls that carry it out. */
export type DeliveryPlan = {
  record: CorrelationRecord | undefined
  plan: LifecyclePlan
  commands: HaloCommand[]
  routing?: TenantRouting
}

type EffectDecision = Extract<
  LifecycleDecision,
  { kind: 'create' | 'note' | 'close' | 'resolveNote' | 'reopen' }
>

const isEffect = (decision: LifecycleDecision): decision is EffectDecision =>
  ['create', 'note', 'close', 'resolveNote', 'reopen'].includes(decision.kind)

const statusOf = (action: PendingWrite['action']) =>
  action === 'close' || action === 'resolveNote' ? 'resolved' : 'firing'

const plan = (
  record: CorrelationRecord | undefined,
  envelope: Envelope,
  envelopeId: string,
  status: 'firing' | 'resolved',
  route: CompiledRoute,
  now: Date,
) =>
  planLifecycle({
    record,
    route: route.name,
    alert: { key: envelope.alert.key, status },
    envelopeId,
    policy: route.definition.lifecycle,
    noise: route.definition.noise,
    now,
  })

/** The ticket a create decision sends: templates, tenant routing, link to the previous ticket. */
const ticketFor = async (
  decision: Extract<LifecycleDecision, { kind: 'create' }>,
  envelope: Envelope,
  route: CompiledRoute,
  directory: HaloDirectory,
): Promise<{ ticket: HaloTicketInput; routing: TenantRouting }> => {
  const mapped = await mapTicket(route, envelope)
  const routed = await routeTenant(mapped, envelope.alert, route.definition.tenant, directory)
  if (decision.previousTicketId === undefined) return routed
  const link = `Previous ticket for this alert: #${decision.previousTicketId}`
  const details = routed.ticket.details ? `${routed.ticket.details}\n\n${link}` : link
  return { ...routed, ticket: { ...routed.ticket, details } }
}

/**
 * Plans one envelope without changing anything: reads the stored state, decides, and builds the
 * Halo calls (mapping and tenant routing included). The dry run shows exactly this.
 */
export const planEnvelope = async (
  envelope: Envelope,
  route: CompiledRoute,
  deps: Pick<DeliverEnvelopeDeps, 'directory'> & {
    record: CorrelationRecord | undefined
    now: Date
  },
): Promise<DeliveryPlan> => {
  const lifecycle = plan(deps.record, envelope, envelope.id, envelope.alert.status, route, deps.now)
  const { decision } = lifecycle
  if (decision.kind === 'create') {
    const { ticket, routing } = await ticketFor(decision, envelope, route, deps.directory)
    return {
      record: deps.record,
      plan: lifecycle,
      commands: [{ kind: 'createTicket', ticket }],
      routing,
    }
  }
  if (isEffect(decision)) {
    const action: HaloActionInput = actionFor(decision, envelope, route.definition.lifecycle)
    return { record: deps.record, plan: lifecycle, commands: [{ kind: 'addAction', action }] }
  }
  return { record: deps.record, plan: lifecycle, commands: [] }
}

/**
 * Delivers one envelope with exactly-once effects on Halo:
 * 1. a redelivered envelope (its id already applied) does nothing;
 * 2. before each Halo write the intent is stored (`pending`); if a crash or a timeout leaves it
 *    there, the next attempt asks Halo whether the write happened (the ticket by
 *    `third_party_id_string`, an action by its reference) instead of repeating it;
 * 3. every store write is conditional on the version read, so two workers cannot both act.
 * Steady state costs one Halo request per event that changes Halo (none for counted repeats).
 */
export const deliverEnvelope = async (
  envelope: Envelope,
  route: CompiledRoute,
  deps: DeliverEnvelopeDeps,
): Promise<DeliveryOutcome> => {
  const { store, halo, logger } = deps
  const now = deps.now()
  const at = now.toISOString()
  const { key } = envelope.alert
  const policy = route.definition.lifecycle

  const save = async (next: Omit<CorrelationRecord, 'version'>, expected: number | undefined) => {
    if (!(await store.put({ ...next, version: 0 }, expected))) {
      throw new StateConflictError(`correlation record ${route.name}/${key} changed concurrently`)
    }
    return (expected ?? 0) + 1
  }

  let record = await store.get(route.name, key)

  if (record?.pending) {
    const { pending } = record
    const before: CorrelationRecord = { ...record, pending: undefined }
    const ticketId = await findCommittedEffect(pending, key, deps)
    if (ticketId !== undefined) {
      const replayed = plan(
        before,
        envelope,
        pending.envelopeId,
        statusOf(pending.action),
        route,
        now,
      )
      const completed =
        replayed.decision.kind === pending.action ? replayed.next(ticketId) : undefined
      if (completed) {
        await save(completed, record.version)
        logger.info('interrupted write found in Halo', {
          envelopeId: pending.envelopeId,
          route: route.name,
          key,
          action: pending.action,
          ticketId,
        })
        record = { ...completed, version: record.version + 1 }
      }
    } else {
      record = before // not written: plan again from the state before it
    }
  }

  if (record && !record.applied.includes(envelope.id) && needsRecheck(record, policy, now)) {
    record = await recheckTicket(record, policy.closedStatusId, deps, at)
  }

  const {
    plan: lifecycle,
    commands,
    routing,
  } = await planEnvelope(envelope, route, {
    directory: deps.directory,
    record,
    now,
  })
  const { decision } = lifecycle
  const base = { envelopeId: envelope.id, route: route.name, key }

  if (decision.kind === 'duplicate') {
    return audit(logger, { ...base, outcome: 'deduplicated', reason: 'envelope already applied' })
  }
  if (decision.kind === 'suppress') {
    return audit(logger, { ...base, outcome: 'suppressed', reason: decision.rule })
  }
  if (decision.kind === 'record') {
    const next = lifecycle.next()
    if (next) await save(next, record?.version)
    return audit(logger, { ...base, outcome: 'recorded', reason: decision.reason })
  }

  const command = commands[0]
  if (!isEffect(decision) || !command)
    throw new Error(`unreachable: ${decision.kind} without a command`)
  const pending: PendingWrite = {
    envelopeId: envelope.id,
    action: decision.kind,
    ...(decision.kind === 'create' ? {} : { ticketId: decision.ticketId }),
    at,
  }
  const intent: Omit<CorrelationRecord, 'version'> = record
    ? { ...record, pending }
    : {
        route: route.name,
        key,
        state: 'resolved',
        occurrences: 0,
        firstSeen: at,
        lastSeen: at,
        applied: [],
        pending,
      }
  const version = await save(intent, record?.version)

  let ticketId: number
  if (command.kind === 'createTicket') {
    ticketId = (await halo.createTicket(command.ticket)).id
  } else {
    await halo.addAction(command.action)
    ticketId = command.action.ticket_id
  }

  const next = lifecycle.next(ticketId)
  if (next) await save(next, version)
  return audit(logger, {
    ...base,
    outcome: 'delivered',
    action: decision.kind,
    ticketId,
    ...(routing ? { routing } : {}),
  })
}

const audit = (logger: Logger, outcome: DeliveryOutcome): DeliveryOutcome => {
  logger.info(`envelope ${outcome.outcome}`, { ...outcome })
  return outcome
}

/** Whether a write recorded as pending reached Halo; the ticket it touched when it did. */
const findCommittedEffect = async (
  pending: PendingWrite,
  key: string,
  deps: Pick<DeliverEnvelopeDeps, 'halo'>,
): Promise<number | undefined> => {
  if (pending.action === 'create') {
    const open = await deps.halo.findTicketsByThirdPartyId(key, { openOnly: true })
    return open.reduce<number | undefined>(
      (newest, ticket) => Math.max(newest ?? 0, ticket.id),
      undefined,
    )
  }
  if (pending.ticketId === undefined) return undefined
  const reference = effectReference(pending.envelopeId)
  const actions = await deps.halo.listActions(pending.ticketId)
  return actions.some((action) => action.note?.includes(reference)) ? pending.ticketId : undefined
}

/** Asks Halo whether an open ticket is still open (a technician may have closed it). */
const recheckTicket = async (
  record: CorrelationRecord,
  closedStatusId: number,
  deps: Pick<DeliverEnvelopeDeps, 'halo'>,
  at: string,
): Promise<CorrelationRecord> => {
  const ticketId = record.ticketId as number
  const ticket = await deps.halo.getTicket(ticketId).catch((error: unknown) => {
    // A deleted ticket is as good as closed; anything else is a real failure.
    if ((error as { status?: number }).status === 404) return undefined
    throw error
  })
  const closed = !ticket || ticket.hasbeenclosed === true || ticket.status_id === closedStatusId
  return closed
    ? { ...record, state: 'closed', closedAt: at, checkedAt: at }
    : { ...record, checkedAt: at }
}
