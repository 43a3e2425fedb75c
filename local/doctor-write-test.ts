import type { Route } from '../shared/config/config-schema.js'
import type { HaloClient } from '../shared/halo/halo-client.js'
import { type DoctorFinding, ok, problem, said } from './doctor-findings.js'

/** The summary of the one ticket `--write-test` creates. */
export const WRITE_TEST_SUMMARY = 'halo-hooks doctor write test — safe to delete'

/**
 * The route's fixed ticket fields, those without an expression: what every ticket of the route
 * carries whatever the alert. Without a fixed client, the one its tenant policy falls back to.
 */
const fixedTicketFields = (route: Route): Record<string, unknown> => {
  const fields = Object.fromEntries(
    Object.entries(route.ticket).filter(
      ([key, value]) =>
        key !== 'summary' && key !== 'details' && !JSON.stringify(value).includes('{%'),
    ),
  )
  if (fields.client_id === undefined) {
    const routed = route.tenant.fallbackClientId ?? Object.values(route.tenant.clients)[0]
    if (routed !== undefined) fields.client_id = routed
  }
  return fields
}

/**
 * Creates one ticket labelled {@link WRITE_TEST_SUMMARY} with the route's fixed fields through the
 * client delivery uses, adds a private note with the route's outcome, and closes it with the
 * route's closing status, as delivery would. One finding: ok, or what Halo refused at which step.
 */
export const writeTest = async (
  halo: HaloClient,
  name: string,
  route: Route,
  now: () => Date,
): Promise<DoctorFinding> => {
  const check = 'write test'
  const { outcome, closedStatusId } = route.lifecycle
  let ticketId: number | undefined
  let step = 'create the ticket'
  try {
    const ticket = await halo.createTicket({
      ...fixedTicketFields(route),
      summary: WRITE_TEST_SUMMARY,
      details:
        `Created by npm run doctor -- --write-test at ${now().toISOString()} with the fixed ` +
        `fields of route "${name}", to prove halo-hooks can create, note and close its tickets. ` +
        'Safe to delete.',
    })
    ticketId = ticket.id
    step = `add a note with outcome "${outcome}"`
    await halo.addAction({
      ticket_id: ticket.id,
      outcome,
      note: 'halo-hooks doctor write test: a private note as the route adds one.',
      hiddenfromuser: true,
    })
    step = `close it with status ${closedStatusId}`
    await halo.addAction({
      ticket_id: ticket.id,
      outcome,
      note: 'halo-hooks doctor write test: closing, as the route closes a resolved alert.',
      hiddenfromuser: true,
      new_status: closedStatusId,
    })
    return ok(
      check,
      `created ticket ${ticket.id}, noted it with "${outcome}" and closed it with status ${closedStatusId} (safe to delete)`,
      name,
    )
  } catch (error) {
    return problem(
      check,
      'write_test_failed',
      `could not ${step}: ${said(error)}` +
        (ticketId === undefined ? '' : ` (ticket ${ticketId} was created: delete it in Halo)`),
      'fix what Halo names, then run npm run doctor -- --write-test again',
      name,
    )
  }
}
