import { HaloTicketInputSchema } from '../halo/schemas.js'
import { HaloCommandSchema } from '../mapping/halo-command.js'
import { once } from '../once.js'
import * as z from '../zod-mini.js'
import { IncidentSchema } from './incident-state.js'

// Every schema here is built when a record is first read or written (`z.lazy`), not at the module
// load of every function that holds a store (issue 15). Deliver reads and writes records through
// the reader compiled from CorrelationRecordSchema (shared/schema-readers.generated.ts), and loads
// this module, and zod, only for a record that reader is not sure of.

/**
 * The alert as its source knows it, kept from the firing that opened the ticket, so the source
 * can be told when a technician closes it (`resolveAtSource`): the title, and the labels when
 * they fit `MAX_KEPT_LABELS_CHARS` (an Alertmanager silence needs the exact set; a cut one would
 * silence more alerts than this one, so labels too large to keep are not kept at all).
 */
export const KeptAlertSchema = z.lazy(() =>
  z.object({
    title: z.string(),
    labels: z.optional(z.record(z.string(), z.string())),
  }),
)

/**
 * The source still to be told that the ticket was closed in Halo (`toldAt` unset), or what it
 * answered. Stored with the state change that closed the problem, so the close and the duty to
 * tell the source are one write; the Halo event's envelope id names the change, so every attempt
 * makes the same idempotent call and a redelivery after `toldAt` calls nothing.
 */
export const SourceResolveSchema = z.lazy(() =>
  z.object({
    /** The envelope id of the Halo ticket event that closed the ticket. */
    changeId: z.string(),
    event: z.enum(['closed', 'deleted', 'merged']),
    /** The ticket that was closed, and when (Halo's clock). */
    ticketId: z.number().check(z.int()),
    at: z.iso.datetime(),
    /** When the source took it, what it did and its id for the thing resolved. */
    toldAt: z.optional(z.iso.datetime()),
    outcome: z.optional(z.string()),
    reference: z.optional(z.string()),
  }),
)

/**
 * A watched heartbeat (a route with a `heartbeat` policy): when it last pinged, when it is
 * overdue, and the little of its last ping a missed-heartbeat ticket is made from (kept small:
 * every ping writes the record).
 */
export const HeartbeatStateSchema = z.lazy(() =>
  z.object({
    /** When the newest ping was received (our clock, never the sender's; never moves back). */
    lastPingAt: z.iso.datetime(),
    /** When the key is overdue: `lastPingAt` + expected interval + grace. Unset while missed. */
    deadline: z.optional(z.iso.datetime()),
    /** When the missing heartbeat was noticed (the ticket opened); unset once it pings again. */
    missedAt: z.optional(z.iso.datetime()),
    /** The sender's name for itself (the last ping's title, when it differs from the key). */
    name: z.optional(z.string().check(z.maxLength(200))),
    /** The last ping's tenant hints and resource, for routing the missed ticket's client. */
    tenant: z.optional(z.object({ id: z.optional(z.string()), name: z.optional(z.string()) })),
    resource: z.optional(z.string().check(z.maxLength(255))),
  }),
)

/** A problem's recent status changes, and whether it is flapping (`stableAt` set). */
export const FlapSchema = z.lazy(() =>
  z.object({
    /** The status of the problem's last alert. */
    last: z.enum(['firing', 'resolved']),
    /** When its status changed, oldest first, only those within the policy's window. */
    changes: z.array(z.iso.datetime()),
    /**
     * Flapping: its ticket is held open until the status has not changed by this instant; then
     * it settles to the last status (a timer).
     */
    stableAt: z.optional(z.iso.datetime()),
  }),
)

/**
 * A ticket held back out of business hours (`outOfHours: defer`), rendered when the alert
 * arrived (its payload is not kept), created at `until`.
 */
export const DeferredCreateSchema = z.lazy(() =>
  z.object({
    /** The opening of business hours: when the ticket is created. */
    until: z.iso.datetime(),
    ticket: z.optional(HaloTicketInputSchema),
    /** The problem's previous ticket, named in the new one's details. */
    previousTicketId: z.optional(z.number().check(z.int())),
  }),
)

/** What is remembered per (route, correlation key): the Halo ticket and the problem's history. */
const correlationStateObject = once(() =>
  z.object({
    route: z.string(),
    key: z.string(),
    /** The Halo ticket that tracks (or last tracked) this problem. */
    ticketId: z.optional(z.number().check(z.int())),
    /**
     * `open`: a ticket is open for it. `closed`: its ticket was closed (by us or in Halo).
     * `resolved`: resolved without a ticket. `pending`: firing, below the occurrence threshold.
     * `suppressed`: firing during a maintenance window that counts only. `deferred`: firing out
     * of business hours; its ticket is created when they begin (`deferred`).
     */
    state: z.enum(['open', 'closed', 'resolved', 'pending', 'suppressed', 'deferred']),
    /** Firing events since the current problem began. */
    occurrences: z.number().check(z.int(), z.nonnegative()),
    firstSeen: z.iso.datetime(),
    lastSeen: z.iso.datetime(),
    /** When a "recurred" note was last added, to rate-limit notes. */
    lastNotedAt: z.optional(z.iso.datetime()),
    /** Occurrences already reported in a note, so the next note says how many came since. */
    notedOccurrences: z.optional(z.number().check(z.int(), z.nonnegative())),
    /** When the ticket's state was last confirmed in Halo (or written by us). */
    checkedAt: z.optional(z.iso.datetime()),
    /**
     * The agent our create assigned the ticket to (from the route's template), so that only another
     * agent counts as a technician taking it (`resolve: close-if-untouched`).
     */
    agentId: z.optional(z.number().check(z.int())),
    /** When the ticket was closed, for the reopen window. */
    closedAt: z.optional(z.iso.datetime()),
    /**
     * When the newest Halo ticket event applied to this record happened (Halo's clock), so an
     * older one arriving late (a close delivered after the reopen that followed it) changes nothing.
     */
    haloEventAt: z.optional(z.iso.datetime()),
    /**
     * Envelope ids already applied (as `appliedMark` keeps them), newest last (bounded), so a
     * redelivery is recognised.
     */
    applied: z._default(z.array(z.string()), []),
    /** The alert that opened the current ticket, for resolving it at its source. */
    alert: z.optional(KeptAlertSchema),
    /** Resolving the alert at its source after a close in Halo: still to do, or done. */
    sourceResolve: z.optional(SourceResolveSchema),
    /** An incident's members and merged notes (a route's `group` policy; its key `incident:…`). */
    incident: z.optional(IncidentSchema),
    /** A heartbeat's pings and deadline (routes with a `heartbeat` policy). */
    heartbeat: z.optional(HeartbeatStateSchema),
    /**
     * A resolve waiting out `resolveAfterQuietMinutes`: the ticket is closed at this instant
     * unless a firing comes first (which clears it).
     */
    closeAt: z.optional(z.iso.datetime()),
    /** The problem's status changes, kept while the route has `noise.flapping`. */
    flap: z.optional(FlapSchema),
    /** While `deferred`: the ticket to create when business hours begin (`until`). */
    deferred: z.optional(DeferredCreateSchema),
    /**
     * A due time nothing came of: no policy acts on it any more (the route's policy was changed),
     * or its timer failed for good and was parked with its reason. The due sweep leaves out
     * deadlines at or before it (`dueAtOf`), so such a record is not listed (and its timer not
     * parked) again and again; a deadline a later event sets is listed as ever, and the parked
     * timer, replayed, is still decided.
     */
    dueHeld: z.optional(z.iso.datetime()),
  }),
)
export const CorrelationStateSchema = z.lazy(correlationStateObject)

/**
 * A Halo write decided but not yet recorded as done: exactly the call to make and the state to
 * store once it is made. After a crash or an ambiguous failure the next attempt finds the write
 * in Halo or makes exactly this call; it never decides again.
 */
export const PendingWriteSchema = z.lazy(() =>
  z.object({
    envelopeId: z.string(),
    command: HaloCommandSchema,
    /** The state to store once the write is done (a created ticket's id is added then). */
    next: CorrelationStateSchema,
    at: z.iso.datetime(),
    /** Known not to be in Halo (refused before it was processed): make it without asking first. */
    unsent: z.optional(z.boolean()),
  }),
)

export const CorrelationRecordSchema = z.lazy(() =>
  z.extend(correlationStateObject(), {
    /** A write in flight (see PendingWriteSchema). */
    pending: z.optional(PendingWriteSchema),
    /** Optimistic-concurrency version: every successful write increments it. */
    version: z.number().check(z.int(), z.nonnegative()),
  }),
)

export type CorrelationState = z.infer<typeof CorrelationStateSchema>
export type CorrelationRecord = z.infer<typeof CorrelationRecordSchema>
export type PendingWrite = z.infer<typeof PendingWriteSchema>
export type KeptAlert = z.infer<typeof KeptAlertSchema>
export type SourceResolve = z.infer<typeof SourceResolveSchema>
export type HeartbeatState = z.infer<typeof HeartbeatStateSchema>
export type Flap = z.infer<typeof FlapSchema>
export type DeferredCreate = z.infer<typeof DeferredCreateSchema>
