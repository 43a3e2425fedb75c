import type { Envelope } from '../envelope.js'
import type { HaloActionInput } from '../halo/schemas.js'
import type { LifecyclePolicy } from '../lifecycle/lifecycle-policy.js'
import type { LifecycleDecision } from '../lifecycle/plan-lifecycle.js'

/**
 * The reference every action we add carries, so that after a timeout we can tell whether Halo
 * saved it (Halo has no idempotency key): the envelope id is unique per event.
 */
export const effectReference = (envelopeId: string) => `[halo-hooks ref ${envelopeId}]`

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

/** The note text of a lifecycle decision, for technicians to read on the ticket. */
const noteFor = (decision: LifecycleDecision, envelope: Envelope): string => {
  const { alert } = envelope
  const body = alert.description ? `\n\n${alert.description}` : ''
  switch (decision.kind) {
    case 'note': {
      const since = decision.occurrences - decision.since
      return `Recurred: ${plural(since, 'more occurrence')} since the last note (${decision.occurrences} in total).\n${alert.title}${body}`
    }
    case 'close':
      return `Resolved at the source; closing.\n${alert.title}`
    case 'resolveNote':
      return `Resolved at the source (the ticket stays open for review).\n${alert.title}`
    case 'reopen':
      return `Recurred after the ticket was closed; reopening.\n${alert.title}${body}`
    default:
      return alert.title
  }
}

/** The Halo action a note/close/reopen decision makes: one request, with our reference in it. */
export const actionFor = (
  decision: Extract<LifecycleDecision, { kind: 'note' | 'close' | 'resolveNote' | 'reopen' }>,
  envelope: Envelope,
  policy: LifecyclePolicy,
): HaloActionInput => ({
  ticket_id: decision.ticketId,
  outcome: policy.outcome,
  note: `${noteFor(decision, envelope)}\n\n${effectReference(envelope.id)}`,
  hiddenfromuser: true,
  ...(decision.kind === 'close' ? { new_status: policy.closedStatusId } : {}),
  ...(decision.kind === 'reopen' ? { new_status: policy.reopenStatusId } : {}),
})
