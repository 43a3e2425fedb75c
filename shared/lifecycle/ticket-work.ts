import type { HaloAction, HaloTicket } from '../halo/schemas.js'

/** The prefix of the reference every action we add carries (see `effectReference`). */
const OUR_REFERENCE = '[halo-hooks ref '

/**
 * Whether a person has worked a ticket, as read from Halo: `by` names who and how, for the note
 * that says why the ticket was left open.
 */
export type TicketWork = { worked: false } | { worked: true; by: string }

/** Ours when it carries our reference; Halo also marks every API-made action with the app. */
const isOurs = (action: HaloAction) =>
  [action.note, action.note_html].some((text) => text?.includes(OUR_REFERENCE))

/**
 * A person's action: not ours, and not made through an API application. Halo sets
 * `actionby_application_id` on every action an API application adds (halo-api.md §2.2), so
 * another integration's notes are not a technician's work; system actions are left out by the
 * query (`excludesys`).
 */
const isPersons = (action: HaloAction) =>
  !isOurs(action) && !(action.actionby_application_id ?? '').toString().trim()

const nameOfActor = ({ actionby_agent_id, who_agentid }: HaloAction) => {
  const agent = actionby_agent_id || who_agentid
  return agent ? `agent ${agent}` : 'someone'
}

/**
 * Whether anyone but us has worked the ticket: an agent other than the one our create assigned
 * has it (`agent_id`), or a person added an action. Pure: the ticket and its actions in (from
 * `GET /api/Tickets/{id}` and `GET /api/Actions?ticket_id=…&excludesys=true`), a verdict out.
 * When in doubt it says worked, so a ticket is never closed under someone's feet.
 */
export const assessTicketWork = (
  ticket: Pick<HaloTicket, 'agent_id' | 'agent_name'>,
  actions: readonly HaloAction[],
  ourAgentId: number | undefined,
): TicketWork => {
  const agent = ticket.agent_id ?? 0
  if (agent > 0 && agent !== ourAgentId) {
    const name = typeof ticket.agent_name === 'string' && ticket.agent_name.trim()
    return { worked: true, by: `${name || `agent ${agent}`} (assigned)` }
  }
  const action = actions.find(isPersons)
  if (action) return { worked: true, by: `${nameOfActor(action)} (action ${action.id})` }
  return { worked: false }
}
