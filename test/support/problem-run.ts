import type { Alert } from '../../shared/alert.js'
import { compileConfig, type DeliveryRoute } from '../../shared/config/compile-config.js'
import { planDue } from '../../shared/delivery/plan-due.js'
import { planEnvelope } from '../../shared/delivery/plan-envelope.js'
import type { CorrelationRecord } from '../../shared/lifecycle/correlation-store.js'
import { dueAtOf } from '../../shared/lifecycle/due.js'
import { dueEnvelope } from '../../shared/timers/due-envelope.js'
import { envelopeFor } from './envelopes.js'

/** A generic route with these policies, compiled as `npm start` would. */
export const routeWith = (fields: Record<string, unknown>): DeliveryRoute => {
  const { routes } = compileConfig({
    routes: {
      r: {
        source: 'generic',
        auth: { type: 'bearer' },
        alert: { key: '{% payload.id %}', title: '{% payload.t %}' },
        ticket: { client_id: 1 },
        ...fields,
      },
    },
  })
  return routes.get('r') as DeliveryRoute
}

/** An alert at `at`, or the problem's timer at `at` (its due time has come, or not). */
export type Step =
  | { at: string; status: Alert['status']; severity?: Alert['severity'] }
  | { at: string; timer: true }

/** What one step did: its decision, and the Halo call it made in words. */
export type StepResult = {
  at: string
  kind: string
  reason?: string
  /** `create`, `note`, `note+status <id>` (an action that moves the ticket), or none. */
  call?: string
  text?: string
  ticket?: Record<string, unknown>
}

const directory = {
  clientIdByName: async () => undefined,
  asset: async () => undefined,
  contacts: async () => [],
}

/**
 * Runs one problem's events and timers through the planners and the effect table as delivery
 * carries them out (alerts through planEnvelope, timers through planDue), with Halo answering
 * every write: the pure path, with the clock of each step.
 */
export const runProblem = async (route: DeliveryRoute, steps: readonly Step[]) => {
  let record: CorrelationRecord | undefined
  let nextTicket = 100
  const results: StepResult[] = []
  for (const [index, step] of steps.entries()) {
    const now = new Date(step.at)
    const envelopeId = `e${index}`
    const plan =
      'timer' in step
        ? await (async () => {
            if (!record) throw new Error('a timer needs a record')
            const dueAt = dueAtOf(record) ?? step.at
            const timer = {
              ...dueEnvelope({ route: route.name, key: 'k', dueAt }, now),
              id: envelopeId,
            }
            return planDue(timer, route, { directory, record, now })
          })()
        : await planEnvelope(
            envelopeFor(
              {
                key: 'k',
                status: step.status,
                severity: step.severity ?? 'high',
                title: 'Disk full',
                description: '',
              },
              { id: envelopeId, receivedAt: now.toISOString() },
            ),
            route,
            { directory, record, now },
          )
    const { command } = plan
    let ticketId = plan.next?.ticketId
    let call: string | undefined
    let text: string | undefined
    let ticket: Record<string, unknown> | undefined
    if (command?.kind === 'createTicket') {
      ticketId = nextTicket++
      call = 'create'
      ticket = command.ticket
    } else if (command?.kind === 'addAction') {
      ticketId = command.action.ticket_id
      const status = command.action.new_status
      call = status === undefined ? 'note' : `note+status ${status}`
      text = String(command.action.note ?? '').split('\n')[0]
    }
    if (plan.next) {
      record = { ...plan.next, ticketId, version: (record?.version ?? 0) + 1 }
    }
    results.push({
      at: step.at,
      kind: plan.decision.kind,
      ...(plan.reason === undefined ? {} : { reason: plan.reason }),
      ...(call ? { call } : {}),
      ...(text ? { text } : {}),
      ...(ticket ? { ticket } : {}),
    })
  }
  return { results, record, dueAt: record && dueAtOf(record) }
}

/** `minutes` after `start`, as an ISO instant. */
export const minutesAfter = (start: string, minutes: number) =>
  new Date(Date.parse(start) + minutes * 60_000).toISOString()
