import type { DeliveryRoute } from '../config/compile-config.js'
import type { AlertEnvelope } from '../envelope.js'
import { AppError, HaloApiError, InterruptedWriteError, StateConflictError } from '../errors.js'
import type { HaloDirectory } from '../halo/halo-directory.js'
import { wasApplied } from '../lifecycle/applied-ids.js'
import type {
  CorrelationRecord,
  CorrelationState,
  CorrelationStore,
  PendingWrite,
} from '../lifecycle/correlation-store.js'
import type { DeliveryOutcomeKind } from '../lifecycle/effects.js'
import { problemKeyOf } from '../lifecycle/incident-key.js'
import { type LifecycleKind, needsRecheck, needsWorkCheck } from '../lifecycle/plan-lifecycle.js'
import type { TicketChangeKind } from '../lifecycle/ticket-event-change.js'
import type { TicketWork } from '../lifecycle/ticket-work.js'
import type { TenantRouting } from '../mapping/route-tenant.js'
import type { Logger } from '../observability.js'
import { type DeliveryHalo, findCommand, runCommand } from './halo-commands.js'
import { type DeliveryPlan, planEnvelope } from './plan-envelope.js'
import { readTicket, readTicketWork, withTicketSeen } from './read-ticket.js'
import { settleRecord, type WriteReceipts } from './write-receipts.js'

export type DeliverEnvelopeDeps = {
  halo: DeliveryHalo
  store: CorrelationStore
  directory: HaloDirectory
  logger: Logger
  now: () => Date
  /**
   * Where a made write is on record (the delivery history's `delivered` outcome, which the caller
   * records). With them the state after a write is not stored on its own: the next delivery of
   * the problem stores it with its own write, one store write per event instead of two. Without
   * them it is stored at once.
   */
  receipts?: WriteReceipts
}

export type DeliveryOutcome = {
  outcome: DeliveryOutcomeKind
  envelopeId: string
  route: string
  key: string
  /**
   * The decision: what was done in Halo (delivered), or what was only recorded; for a Halo
   * ticket event, whether it changed the stored state (`apply`) or not (`ignore`).
   */
  action: LifecycleKind | Exclude<TicketChangeKind, 'wait'>
  ticketId?: number
  reason?: string
  routing?: TenantRouting
}

/** One problem's record in the store, read and written with optimistic concurrency. */
const problemRecord = (store: CorrelationStore, route: string, key: string) => ({
  read: () => store.get(route, key),
  /** Stores `state` if the record is still at `version`; resolves with the record as stored. */
  async write(
    state: CorrelationState & { pending?: PendingWrite | undefined },
    version: number | undefined,
  ): Promise<CorrelationRecord> {
    const next = { ...state, version: (version ?? 0) + 1 }
    if (!(await store.put(next, version))) {
      throw new StateConflictError(`correlation record ${route}/${key} changed concurrently`)
    }
    return next
  },
})

type ProblemRecord = ReturnType<typeof problemRecord>

/** The state before any ticket: what an intent is stored on when nothing was stored yet. */
const blankState = (route: string, key: string, at: string): CorrelationState => ({
  route,
  key,
  state: 'resolved',
  occurrences: 0,
  firstSeen: at,
  lastSeen: at,
  applied: [],
})

/**
 * Whether a failed call may have reached Halo. Only a Halo answer that refused it (4xx, 429), a
 * refusal before sending (budget, deadline, a body we would not send) or a credential Halo
 * refused say for certain that nothing was written; anything unknown may have been.
 */
const mayHaveWritten = (error: unknown): boolean =>
  error instanceof HaloApiError ? error.mayHaveWritten : !(error instanceof AppError)

/** Halo took nothing and never will: the write can be forgotten. */
const refusedForGood = (error: unknown): error is AppError =>
  error instanceof AppError && !error.retryable && !mayHaveWritten(error)

/**
 * Makes the stored intent's Halo call. When it fails having written nothing, the intent is kept
 * marked `unsent` (made without asking next time) if the refusal may pass later, or dropped if it
 * never will; after an ambiguous failure it stays as it is, so the next attempt asks Halo first.
 */
const perform = async (
  intended: CorrelationRecord & { pending: PendingWrite },
  problem: ProblemRecord,
  halo: DeliveryHalo,
): Promise<number> => {
  try {
    return await runCommand(intended.pending.command, halo)
  } catch (error) {
    if (error instanceof AppError && !mayHaveWritten(error)) {
      const pending = error.retryable ? { ...intended.pending, unsent: true } : undefined
      // The failure is what the caller needs to see; a conflict here only means another worker
      // already moved the record on (recovery reads it again before relying on it).
      await problem.write({ ...intended, pending }, intended.version).catch(() => undefined)
    }
    throw error
  }
}

/**
 * Whether the intent's write is in Halo (the ticket it touched), asked only when it may be. A
 * lookup that fails for good cannot tell, so the envelope waits rather than guess either way.
 */
const lookUp = async (
  record: CorrelationRecord & { pending: PendingWrite },
  halo: DeliveryHalo,
): Promise<number | undefined> => {
  const { pending } = record
  if (pending.unsent) return undefined
  const trace = { envelopeId: pending.envelopeId, previousTicketId: record.ticketId }
  return findCommand(pending.command, trace, halo).catch((error: unknown) => {
    if (error instanceof AppError && error.retryable) throw error
    throw new InterruptedWriteError(
      `could not tell whether envelope ${pending.envelopeId}'s ${pending.command.kind} reached Halo`,
      { cause: error },
    )
  })
}

/**
 * Finishes a write an earlier attempt stored as intended but did not record as done: if Halo has
 * it, the intended state is saved with the ticket found; if not, exactly the intended call is
 * made. It never decides again, so a clock-dependent decision cannot come out differently.
 */
const recover = async (
  record: CorrelationRecord | undefined,
  envelopeId: string,
  problem: ProblemRecord,
  deps: DeliverEnvelopeDeps,
): Promise<CorrelationRecord | undefined> => {
  if (!record?.pending) return record
  const { unsent, ...pending } = record.pending
  const found = await lookUp({ ...record, pending: record.pending }, deps.halo)
  // From the moment it is sent the write may reach Halo: a later attempt must ask first.
  const intended = unsent ? await problem.write({ ...record, pending }, record.version) : record
  let ticketId = found
  if (ticketId === undefined) {
    try {
      ticketId = await perform({ ...intended, pending }, problem, deps.halo)
    } catch (error) {
      if (pending.envelopeId === envelopeId) throw error
      // Another envelope's write (that envelope was parked or gave up). This one goes on from the
      // state before it only when Halo certainly took nothing and the intent is gone.
      const after = refusedForGood(error) ? await problem.read() : undefined
      if (!after || after.pending) {
        throw new InterruptedWriteError(
          `envelope ${pending.envelopeId}'s interrupted ${pending.command.kind} is unresolved`,
          { cause: error },
        )
      }
      deps.logger.warn('interrupted write refused by Halo; dropped', {
        envelopeId: pending.envelopeId,
        code: (error as AppError).code,
      })
      return after
    }
  }
  const message =
    found === undefined ? 'interrupted write made as intended' : 'interrupted write found in Halo'
  deps.logger.info(message, {
    envelopeId: pending.envelopeId,
    route: record.route,
    key: record.key,
    command: pending.command.kind,
    ticketId,
  })
  return problem.write({ ...pending.next, ticketId }, intended.version)
}

/** Asks Halo whether an open ticket is still open (a technician may have closed it). */
export const recheck = async (
  record: CorrelationRecord | undefined,
  envelopeId: string,
  route: DeliveryRoute,
  deps: Pick<DeliverEnvelopeDeps, 'halo'>,
  now: Date,
): Promise<CorrelationRecord | undefined> => {
  if (!record || wasApplied(record, envelopeId)) return record
  if (!needsRecheck(record, route.lifecycle, now) || record.ticketId === undefined) return record
  const ticket = await readTicket(deps.halo, record.ticketId)
  return withTicketSeen(record, ticket, route.lifecycle, now)
}

/**
 * Brings the stored state up to date before deciding: a resolve under `close-if-untouched` reads
 * the ticket and its actions (and so rechecks it too); any other event rechecks when stale.
 */
const inspect = async (
  record: CorrelationRecord | undefined,
  envelope: AlertEnvelope,
  route: DeliveryRoute,
  deps: DeliverEnvelopeDeps,
  now: Date,
): Promise<{ record: CorrelationRecord | undefined; work?: TicketWork }> => {
  if (
    record &&
    !wasApplied(record, envelope.id) &&
    needsWorkCheck(record, envelope.alert, route.lifecycle)
  ) {
    return readTicketWork(record, route.lifecycle, deps.halo, now)
  }
  return { record: await recheck(record, envelope.id, route, deps, now) }
}

/**
 * The step of delivery that differs by what an envelope carries (an alert, a timer): bring the
 * stored state up to date, asking Halo what the decision needs, then plan. Everything around it
 * (settle, recover, intent, Halo call, save) is one straight line for all of them.
 */
export type ProblemPlanner = {
  envelopeId: string
  /** The problem's correlation key (its record is the route's and this key's). */
  key: string
  plan(
    record: CorrelationRecord | undefined,
    deps: DeliverEnvelopeDeps,
    now: Date,
  ): Promise<{ record: CorrelationRecord | undefined; plan: DeliveryPlan }>
}

/** An alert's planner: the work check or recheck its event needs, then `planEnvelope`. */
const alertPlanner = (envelope: AlertEnvelope, route: DeliveryRoute): ProblemPlanner => ({
  envelopeId: envelope.id,
  key: problemKeyOf(envelope.alert, route),
  async plan(recovered, deps, now) {
    const { record, work } = await inspect(recovered, envelope, route, deps, now)
    const plan = await planEnvelope(envelope, route, {
      directory: deps.directory,
      record,
      now,
      haloBusy: deps.halo.busy,
      ...(work ? { work } : {}),
    })
    return { record, plan }
  },
})

/**
 * Delivers one alert envelope with exactly-once effects on Halo (see {@link deliverPlanned}).
 */
export const deliverEnvelope = (
  envelope: AlertEnvelope,
  route: DeliveryRoute,
  deps: DeliverEnvelopeDeps,
): Promise<DeliveryOutcome> => deliverPlanned(alertPlanner(envelope, route), route, deps)

/**
 * Delivers one envelope with exactly-once effects on Halo, in one straight line: settle the
 * previous write by its receipt or recover it, recheck a ticket whose state is stale, plan
 * (decision, Halo call, next state), store the intent with its next state, make the call, save
 * (or, with receipts, leave the save to the next delivery's write). A redelivered envelope (its
 * id already applied) does nothing; every store write is conditional on the version read, so two
 * workers cannot both act. Steady state costs one Halo request per event that changes Halo, and
 * with receipts one store write per event that changes the record (two when it opens a ticket).
 */
export const deliverPlanned = async (
  planner: ProblemPlanner,
  route: DeliveryRoute,
  deps: DeliverEnvelopeDeps,
): Promise<DeliveryOutcome> => {
  const now = deps.now()
  const at = now.toISOString()
  const { envelopeId, key } = planner
  const problem = problemRecord(deps.store, route.name, key)

  const stored = await settleRecord(await problem.read(), deps.receipts)
  const recovered = await recover(stored, envelopeId, problem, deps)
  const { record, plan } = await planner.plan(recovered, deps, now)
  const outcome: DeliveryOutcome = {
    outcome: plan.outcome,
    envelopeId,
    route: route.name,
    key,
    action: plan.decision.kind,
    ...(plan.reason === undefined ? {} : { reason: plan.reason }),
    ...(plan.routing ? { routing: plan.routing } : {}),
  }

  if (!plan.command || !plan.next) {
    if (plan.next) await problem.write(plan.next, recovered?.version)
    // Nothing sent: the ticket the problem is on, if any, is the one this envelope counted on
    // (or was applied to before, as when a later attempt finished an interrupted write).
    const ticketId = (plan.next ?? record)?.ticketId
    return audit(deps.logger, ticketId === undefined ? outcome : { ...outcome, ticketId })
  }
  const pending: PendingWrite = {
    envelopeId,
    command: plan.command,
    next: plan.next,
    at,
  }
  const intended = await problem.write(
    { ...(record ?? blankState(route.name, key, at)), pending },
    recovered?.version,
  )
  const ticketId = await perform({ ...intended, pending }, problem, deps.halo)
  // The intent holds the state to store now: with receipts, the `delivered` outcome is the
  // record that the call was made, and the next delivery stores the state with its own write.
  // A new ticket's id is stored at once all the same: the problem is found by its ticket (a
  // technician's close in Halo) only once the record holds it.
  if (deps.receipts && ticketId === intended.ticketId) deps.receipts.made(envelopeId, ticketId)
  else await problem.write({ ...plan.next, ticketId }, intended.version)
  return audit(deps.logger, { ...outcome, ticketId })
}

const audit = (logger: Logger, outcome: DeliveryOutcome): DeliveryOutcome => {
  // The message names the outcome; the fields say the rest.
  const { outcome: kind, ...fields } = outcome
  logger.info(`envelope ${kind}`, fields)
  return outcome
}
