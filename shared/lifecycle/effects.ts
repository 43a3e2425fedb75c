import type { Alert } from '../alert.js'
import { clipText } from '../clip-text.js'
import type { HaloTicketInput } from '../halo/schemas.js'
import type { HaloCommand } from '../mapping/halo-command.js'
import { appliedMark } from './applied-ids.js'
import {
  type CorrelationRecord,
  type CorrelationState,
  type KeptAlert,
  MAX_KEPT_LABELS_CHARS,
} from './correlation-store.js'
import { effectReference } from './effect-reference.js'
import { heartbeatBackNote } from './heartbeat.js'
import { allResolved, incidentDetails, incidentSummary, mergedNote } from './incident-text.js'
import type { LifecyclePolicy } from './lifecycle-policy.js'
import type { LifecycleDecision, LifecycleKind } from './plan-lifecycle.js'

/** How an envelope's audit line names what happened to it. */
export type DeliveryOutcomeKind = 'delivered' | 'deduplicated' | 'suppressed' | 'recorded'

/** What a decision's Halo call is built from. */
export type EffectContext = {
  alert: Pick<Alert, 'title' | 'description' | 'labels'>
  envelopeId: string
  policy: LifecyclePolicy
  /** The ticket the route's templates and tenant routing make for this alert; only a create asks. */
  ticket: () => Promise<HaloTicketInput>
  /**
   * Whether the record keeps the alert (title, labels) when it opens a ticket: only a route that
   * resolves at its source reads it back, and every later write of the record carries it.
   * @default true
   */
  keepAlert?: boolean
}

/** The event a decision is carried out for, as the next state records it. */
export type EffectEvent = { route: string; key: string; envelopeId: string; at: string }

/** What one kind of decision does: its Halo call (if any), the state after it, its audit line. */
type Effect<Decision extends LifecycleDecision> = {
  outcome: DeliveryOutcomeKind
  /** Why nothing was written, for the audit line; decisions that write have no reason. */
  reason?: (decision: Decision) => string
  command: (decision: Decision, context: EffectContext) => Promise<HaloCommand> | undefined
  /**
   * The state to store once the command is done; `undefined`: store nothing. `alert` is the
   * firing alert as the record keeps it (none where the route does not need it), for decisions
   * that put it on a ticket.
   */
  next: (
    decision: Decision,
    base: CorrelationState,
    at: string,
    command: HaloCommand | undefined,
    alert: KeptAlert | undefined,
  ) => CorrelationState | undefined
}

type EffectTable = { [Kind in LifecycleKind]: Effect<Extract<LifecycleDecision, { kind: Kind }>> }

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

/** A note shows this much of the alert's description; the ticket has it whole. */
const MAX_NOTE_DESCRIPTION = 4_000

const withBody = ({ title, description }: EffectContext['alert']) =>
  description ? `${title}\n\n${clipText(description, MAX_NOTE_DESCRIPTION)}` : title

/** A private note on the ticket, with our reference, optionally moving it to `newStatus`. */
const action = async (
  ticketId: number,
  context: EffectContext,
  text: string,
  newStatus?: number,
): Promise<HaloCommand> => ({
  kind: 'addAction',
  action: {
    ticket_id: ticketId,
    outcome: context.policy.outcome,
    note: `${text}\n\n${effectReference(context.envelopeId)}`,
    hiddenfromuser: true,
    ...(newStatus === undefined ? {} : { new_status: newStatus }),
  },
})

const none = () => undefined

/** Envelope ids a heartbeat's record keeps while it only receives pings. */
const PING_APPLIED_KEPT = 5

/** Repeats that were only counted (noted recently, or Halo was busy), told with the resolve. */
const recurred = (unnoted: number | undefined) =>
  unnoted ? ` It recurred ${plural(unnoted, 'more time')} since the last note.` : ''

/** A new ticket from the route's templates, naming the problem's previous ticket if any. */
const createCommand = async (
  previousTicketId: number | undefined,
  context: EffectContext,
): Promise<HaloCommand> => {
  const ticket = await context.ticket()
  if (previousTicketId === undefined) return { kind: 'createTicket', ticket }
  const link = `Previous ticket for this alert: #${previousTicketId}`
  const details = ticket.details ? `${ticket.details}\n\n${link}` : link
  return { kind: 'createTicket', ticket: { ...ticket, details } }
}

/** The state once a new ticket is open for a problem that began at `firstSeen`. */
const openedWith = (
  base: CorrelationState,
  at: string,
  command: HaloCommand | undefined,
  alert: KeptAlert | undefined,
  occurrences: number,
  firstSeen: string,
): CorrelationState => ({
  ...base,
  ticketId: undefined, // the created ticket's id, once Halo has answered
  alert,
  // The agent we assigned it to, so that only another one counts as taking it.
  agentId: command?.kind === 'createTicket' ? command.ticket.agent_id : undefined,
  state: 'open',
  occurrences,
  firstSeen,
  lastSeen: at,
  checkedAt: at,
  lastNotedAt: undefined, // the first repeat is always noted, later ones once per interval
  notedOccurrences: occurrences,
  closedAt: undefined,
})

/** What a settle's note says: why the wait ended, and what becomes of the ticket. */
const settledText = (decision: Extract<LifecycleDecision, { kind: 'settle' }>) => {
  const held =
    decision.why === 'quiet'
      ? `Resolved at the source, and no firing for ${decision.minutes} min since`
      : `Stable for ${decision.minutes} min after flapping, ${decision.status === 'firing' ? 'still firing' : 'resolved at the source'}`
  if (decision.close) return `${held}; closing.`
  return decision.status === 'firing'
    ? `${held}; the ticket stays open.`
    : `${held}; the ticket stays open for review.`
}

/**
 * Every decision kind's Halo call, note text and next state, in one table the type checker keeps
 * complete: a new kind in `LifecycleDecision` does not compile until it has its entry here.
 */
export const effects = {
  duplicate: {
    outcome: 'deduplicated',
    reason: () => 'envelope already applied',
    command: none,
    next: () => undefined,
  },
  suppress: {
    outcome: 'suppressed',
    reason: (decision) => decision.rule,
    command: none,
    next: () => undefined,
  },
  record: {
    outcome: 'recorded',
    reason: (decision) => decision.reason,
    command: none,
    next: (decision, base, at) => ({ ...base, lastSeen: at, ...decision.change }),
  },
  create: {
    outcome: 'delivered',
    async command(decision, context) {
      const rendered = await context.ticket()
      const { incident } = decision
      const ticket = incident
        ? {
            ...rendered,
            summary: incidentSummary(incident, rendered.summary),
            details: rendered.details
              ? `${incidentDetails(incident)}\n\n${rendered.details}`
              : incidentDetails(incident),
          }
        : rendered
      if (decision.previousTicketId === undefined) return { kind: 'createTicket', ticket }
      const link = `Previous ticket for this ${incident ? 'incident' : 'alert'}: #${decision.previousTicketId}`
      const details = ticket.details ? `${ticket.details}\n\n${link}` : link
      return { kind: 'createTicket', ticket: { ...ticket, details } }
    },
    next: (decision, base, at, command, alert) => ({
      ...base,
      ticketId: undefined, // the created ticket's id, once Halo has answered
      alert,
      // The agent we assigned it to, so that only another one counts as taking it.
      agentId: command?.kind === 'createTicket' ? command.ticket.agent_id : undefined,
      state: 'open',
      occurrences: decision.occurrences,
      firstSeen: decision.firstSeen,
      lastSeen: at,
      checkedAt: at,
      lastNotedAt: undefined, // the first repeat is always noted, later ones once per interval
      notedOccurrences: decision.occurrences,
      closedAt: undefined,
      deferred: undefined,
    }),
  },
  note: {
    outcome: 'delivered',
    command: (decision, context) =>
      action(
        decision.ticketId,
        context,
        decision.incident
          ? mergedNote(decision.incident)
          : `Recurred: ${plural(decision.occurrences - decision.since, 'more occurrence')} since the last note (${decision.occurrences} in total).\n${withBody(context.alert)}`,
      ),
    next: (decision, base, at) => ({
      ...base,
      occurrences: decision.occurrences,
      lastSeen: at,
      lastNotedAt: at,
      notedOccurrences: decision.occurrences,
    }),
  },
  close: {
    outcome: 'delivered',
    command: (decision, context) =>
      action(
        decision.ticketId,
        context,
        decision.incident
          ? allResolved(decision.incident, 'closing.')
          : `Resolved at the source; closing.${recurred(decision.unnoted)}\n${context.alert.title}`,
        context.policy.closedStatusId,
      ),
    next: (_, base, at) => ({
      ...base,
      state: 'closed',
      lastSeen: at,
      closedAt: at,
      checkedAt: at,
    }),
  },
  resolveNote: {
    outcome: 'delivered',
    command: (decision, context) =>
      action(
        decision.ticketId,
        context,
        decision.incident
          ? allResolved(
              decision.incident,
              decision.workedBy === undefined
                ? 'the ticket stays open for review.'
                : `left open because ${decision.workedBy} worked on it.`,
            )
          : decision.workedBy === undefined
            ? `Resolved at the source (the ticket stays open for review).${recurred(decision.unnoted)}\n${context.alert.title}`
            : `The source reports this resolved; left open because ${decision.workedBy} worked on it.${recurred(decision.unnoted)}\n${context.alert.title}`,
      ),
    next: (_, base, at) => ({ ...base, lastSeen: at, checkedAt: at }),
  },
  reopen: {
    outcome: 'delivered',
    command: (decision, context) =>
      action(
        decision.ticketId,
        context,
        `${decision.incident ? 'An alert of this incident fired again after it was closed' : 'Recurred after the ticket was closed'}; reopening.\n${withBody(context.alert)}`,
        context.policy.reopenStatusId,
      ),
    next: (_, base, at, _command, alert) => ({
      ...base,
      alert,
      state: 'open',
      occurrences: 1,
      firstSeen: at,
      lastSeen: at,
      checkedAt: at,
      lastNotedAt: undefined, // the first repeat after a reopen is noted
      notedOccurrences: 1,
      closedAt: undefined,
    }),
  },
  // Business hours, flapping and quiet resolves (business-hours.ts, flapping.ts, quiet-resolve.ts).
  defer: {
    outcome: 'recorded',
    reason: (decision) => `out of business hours: the ticket is created at ${decision.until}`,
    command: none,
    next: (decision, base, at, _command, alert) => ({
      ...base,
      // Kept as for a ticket it opens: the timer's create is carried out with it.
      alert,
      state: 'deferred',
      occurrences: decision.occurrences,
      firstSeen: decision.firstSeen,
      lastSeen: at,
      deferred: {
        until: decision.until,
        ...(decision.ticket ? { ticket: decision.ticket } : {}),
        ...(decision.previousTicketId === undefined
          ? {}
          : { previousTicketId: decision.previousTicketId }),
      },
    }),
  },
  flapping: {
    outcome: 'delivered',
    command: (decision, context) =>
      action(
        decision.ticketId,
        context,
        `Flapping: the status changed ${decision.changes} times within ${decision.withinMinutes} min. The ticket stays open, neither closed nor reopened, until the status holds (${decision.stableAt} at the earliest).\n${context.alert.title}`,
        decision.reopen ? context.policy.reopenStatusId : undefined,
      ),
    next: (decision, base, at) => ({
      ...base,
      state: 'open',
      lastSeen: at,
      checkedAt: at,
      closedAt: undefined,
      flap: {
        last: base.flap?.last ?? 'firing',
        changes: [],
        ...base.flap,
        stableAt: decision.stableAt,
      },
    }),
  },
  settle: {
    outcome: 'delivered',
    command: (decision, context) =>
      action(
        decision.ticketId,
        context,
        `${settledText(decision)}${recurred(decision.unnoted)}\n${context.alert.title}`,
        decision.close ? context.policy.closedStatusId : undefined,
      ),
    next: (decision, base, at) => ({
      ...base,
      checkedAt: at,
      closeAt: undefined,
      ...(base.flap ? { flap: { last: base.flap.last, changes: [] } } : {}),
      ...(decision.close ? { state: 'closed' as const, closedAt: at } : {}),
    }),
  },
  // Heartbeats (heartbeat.ts).
  ping: {
    outcome: 'recorded',
    reason: (decision) => `heartbeat ping (the next is due by ${decision.heartbeat.deadline})`,
    command: none,
    next: (decision, base, at) => ({
      ...base,
      // A ping is idempotent (the last ping never moves back), so a redelivery needs no id to be
      // recognised by: its own is not kept, and the record every ping rewrites stays within one
      // write unit (50 ids are over 2 KB). The few before it still recognise timers and closes.
      applied: base.applied.slice(-(PING_APPLIED_KEPT + 1), -1),
      lastSeen: at,
      heartbeat: decision.heartbeat,
    }),
  },
  heartbeatMissed: {
    outcome: 'delivered',
    command: (decision, context) => createCommand(decision.previousTicketId, context),
    next: (decision, base, at, command, alert) => ({
      ...openedWith(base, at, command, alert, 1, at),
      heartbeat: decision.heartbeat,
    }),
  },
  heartbeatBack: {
    outcome: 'delivered',
    command: (decision, context) =>
      action(
        decision.ticketId,
        context,
        `${heartbeatBackNote(decision)}\n${context.alert.title}`,
        context.policy.closedStatusId,
      ),
    next: (decision, base, at) => ({
      ...base,
      state: 'closed',
      lastSeen: at,
      closedAt: at,
      checkedAt: at,
      heartbeat: decision.heartbeat,
    }),
  },
} satisfies EffectTable

const APPLIED_KEPT = 50

/**
 * The alert as a record keeps it: its title, and its labels unless they are too long to keep
 * (then none: a partial label set would match more alerts than this one at the source).
 */
export const keptAlertOf = ({ title, labels }: Pick<Alert, 'title' | 'labels'>): KeptAlert =>
  JSON.stringify(labels).length <= MAX_KEPT_LABELS_CHARS ? { title, labels } : { title }

/** The stored state an event starts from: the record with the envelope applied, or a new one. */
export const baseState = (
  record: CorrelationRecord | undefined,
  event: EffectEvent,
): CorrelationState => {
  if (!record) {
    return {
      route: event.route,
      key: event.key,
      state: 'resolved',
      occurrences: 0,
      firstSeen: event.at,
      lastSeen: event.at,
      applied: [appliedMark(event.envelopeId)],
    }
  }
  const { pending: _pending, version: _version, ...state } = record
  return {
    ...state,
    applied: [...state.applied, appliedMark(event.envelopeId)].slice(-APPLIED_KEPT),
  }
}

/** A decision carried out on paper: the Halo call to make and the state to store after it. */
export type PlannedEffect = {
  outcome: DeliveryOutcomeKind
  reason: string | undefined
  command: HaloCommand | undefined
  next: CorrelationState | undefined
}

/** Looks a decision up in the effect table and builds its call and next state. */
export const planEffect = async (
  decision: LifecycleDecision,
  record: CorrelationRecord | undefined,
  event: EffectEvent,
  context: EffectContext,
): Promise<PlannedEffect> => {
  // TypeScript cannot tie a union value to the table entry of its own kind; the table's type
  // above is what guarantees each entry takes exactly its kind.
  const effect = effects[decision.kind] as Effect<LifecycleDecision>
  const command = await effect.command(decision, context)
  const next = effect.next(
    decision,
    baseState(record, event),
    event.at,
    command,
    context.keepAlert === false ? undefined : keptAlertOf(context.alert),
  )
  // A decision about an incident carries the incident's next state, whatever its kind.
  const incident = 'incident' in decision ? decision.incident?.next : undefined
  return {
    outcome: effect.outcome,
    reason: effect.reason?.(decision),
    command,
    next: next && incident ? { ...next, incident } : next,
  }
}
