import type { DeliveryRoute } from '../config/compile-config.js'
import { StateConflictError } from '../errors.js'
import type {
  CorrelationRecord,
  CorrelationState,
  CorrelationStore,
  SourceResolve,
} from '../lifecycle/correlation-store.js'
import type { Logger } from '../observability.js'
import type { ResolveAtSourceFn, ResolveTarget } from '../outbound/resolve-at-source.js'
import type { SourceAlert } from '../outbound/source-resolver.js'

export type TellSourceDeps = {
  store: CorrelationStore
  resolveAtSource: ResolveAtSourceFn
  logger: Logger
  now: () => Date
}

/** What telling the source came to, for the audit line. */
export type TellSourceResult =
  | { kind: 'told'; target: string; outcome: string; reference: string }
  /** The route no longer has `resolveAtSource`: the duty is dropped, nothing is called. */
  | { kind: 'dropped'; reason: string }

/** The source's call: where (the route's target) and what (the alert and ticket the record kept). */
export const sourceCallOf = (
  record: CorrelationRecord,
  duty: SourceResolve,
  target: ResolveTarget,
) => ({
  target,
  // A record from before the alert was kept knows only its key: enough for a key-borne
  // reference (PagerDuty, Datto RMM); a label-borne one is then missing and is parked.
  alert: {
    key: record.key,
    title: record.alert?.title ?? record.key,
    labels: record.alert?.labels ?? {},
  } satisfies SourceAlert,
  ticket: { id: duty.ticketId, summary: record.alert?.title },
  what: { event: duty.event, id: duty.changeId, at: duty.at },
})

/** Attempts at recording the answer when other writes to the record come between. */
const MARK_ATTEMPTS = 3

/**
 * Marks the duty named `changeId` as done with `done` (or drops it when `done` is undefined) on
 * the record as it is now: other writes to the record in the meantime (a firing noted) keep
 * theirs, and a Halo write of ours in flight gets it in the state it will store, so finishing
 * that write cannot bring the duty back. Throws `StateConflictError` when the record kept
 * changing; the next attempt repeats the idempotent call and marks again.
 */
const markDuty = async (
  record: CorrelationRecord,
  changeId: string,
  done: Pick<SourceResolve, 'toldAt' | 'outcome' | 'reference'> | undefined,
  store: CorrelationStore,
): Promise<void> => {
  const marked = <State extends CorrelationState>(state: State): State => {
    const duty = state.sourceResolve
    if (duty?.changeId !== changeId || duty.toldAt) return state
    return { ...state, sourceResolve: done ? { ...duty, ...done } : undefined }
  }
  let current: CorrelationRecord | undefined = record
  for (let attempt = 0; attempt < MARK_ATTEMPTS && current; attempt += 1) {
    const next = marked(current)
    // Taken back (a reopen) or replaced by a later close: nothing of this change is left to mark.
    if (next === current) return
    const { pending, version } = current
    const write = pending ? { ...next, pending: { ...pending, next: marked(pending.next) } } : next
    if (await store.put({ ...write, version: version + 1 }, version)) return
    current = await store.get(record.route, record.key)
  }
  if (current) {
    throw new StateConflictError(`correlation record ${record.route}/${record.key} kept changing`)
  }
}

/**
 * Tells the source of `record`'s alert that its ticket was closed in Halo, when the record holds
 * that duty untold: the route's `resolveAtSource` call, then the answer stored on the record
 * (`toldAt`), so a later attempt calls nothing. Between the two a crash or a lost answer leaves
 * the duty untold and the next attempt repeats exactly the same call, which each adapter
 * recognises by the change id (already resolved, the silence found, the same webhook id).
 * Resolves undefined when there is nothing to tell. Throws what the call throws
 * (`OutboundApiError`, `SourceReferenceError`, `ConfigError`): the queue defers or parks the
 * ticket event, which tells the source when it comes back.
 */
export const tellSource = async (
  record: CorrelationRecord,
  route: DeliveryRoute | undefined,
  deps: TellSourceDeps,
): Promise<TellSourceResult | undefined> => {
  const duty = record.sourceResolve
  if (!duty || duty.toldAt) return undefined
  if (!route?.resolveAtSource) {
    await markDuty(record, duty.changeId, undefined, deps.store)
    const reason = `route "${record.route}" no longer resolves at its source; the source was not told`
    deps.logger.warn('source not told', { route: record.route, key: record.key, reason })
    return { kind: 'dropped', reason }
  }
  const call = sourceCallOf(record, duty, { route: route.name, config: route.resolveAtSource })
  const answer = await deps.resolveAtSource(call.target, call.alert, call.ticket, call.what)
  const done = {
    toldAt: deps.now().toISOString(),
    outcome: answer.outcome,
    reference: answer.reference,
  }
  await markDuty(record, duty.changeId, done, deps.store)
  deps.logger.info('source told', {
    route: record.route,
    key: record.key,
    ticketId: duty.ticketId,
    changeId: duty.changeId,
    target: answer.target,
    outcome: answer.outcome,
    reference: answer.reference,
  })
  return { kind: 'told', ...answer }
}
