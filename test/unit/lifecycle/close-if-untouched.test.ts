import { describe, expect, it } from 'vitest'
import type { HaloAction } from '../../../shared/halo/schemas.js'
import type { CorrelationRecord } from '../../../shared/lifecycle/correlation-store.js'
import { planEffect } from '../../../shared/lifecycle/effects.js'
import {
  LifecyclePolicySchema,
  NoisePolicySchema,
} from '../../../shared/lifecycle/lifecycle-policy.js'
import {
  decideLifecycle,
  type LifecycleDecision,
  needsWorkCheck,
} from '../../../shared/lifecycle/plan-lifecycle.js'
import { assessTicketWork, type TicketWork } from '../../../shared/lifecycle/ticket-work.js'

const NOW = new Date('2026-11-28T12:00:00Z')
const POLICY = LifecyclePolicySchema.parse({ resolve: 'close-if-untouched' })

const record = (fields: Partial<CorrelationRecord> = {}): CorrelationRecord => ({
  route: 'r',
  key: 'k',
  state: 'open',
  ticketId: 7,
  occurrences: 1,
  firstSeen: '2026-11-28T10:00:00Z',
  lastSeen: '2026-11-28T10:00:00Z',
  notedOccurrences: 1,
  checkedAt: '2026-11-28T11:59:00Z',
  applied: ['e0'],
  version: 3,
  ...fields,
})

const decide = (stored: CorrelationRecord | undefined, work?: TicketWork) =>
  decideLifecycle({
    record: stored,
    alert: { status: 'resolved' },
    envelopeId: 'e1',
    policy: POLICY,
    noise: NoisePolicySchema.parse({}),
    now: NOW,
    ...(work ? { work } : {}),
  })

const commandFor = async (decision: LifecycleDecision) =>
  (
    await planEffect(
      decision,
      record(),
      { route: 'r', key: 'k', envelopeId: 'e1', at: NOW.toISOString() },
      {
        alert: { title: 'Disk full', description: '' },
        envelopeId: 'e1',
        policy: POLICY,
        ticket: async () => ({ summary: 't' }),
      },
    )
  ).command

const ours = (id: number): HaloAction => ({
  id,
  note: `Recurred\n\n[halo-hooks ref e${id}]`,
  actionby_application_id: 'halo-hooks',
})

describe('resolve: close-if-untouched', () => {
  it.each([
    ['untouched ticket', record(), { worked: false }, { kind: 'close', ticketId: 7 }],
    [
      'untouched, repeats counted since the last note',
      record({ occurrences: 4, notedOccurrences: 1 }),
      { worked: false },
      { kind: 'close', ticketId: 7, unnoted: 3 },
    ],
    [
      'a technician worked it',
      record(),
      { worked: true, by: 'Jane (action 2)' },
      { kind: 'resolveNote', ticketId: 7, workedBy: 'Jane (action 2)' },
    ],
    [
      'nothing read (never closes blind)',
      record(),
      undefined,
      { kind: 'resolveNote', ticketId: 7, workedBy: 'nobody we could check' },
    ],
    [
      'no open ticket',
      record({ state: 'closed' }),
      { worked: false },
      { kind: 'record', reason: 'resolved with no open ticket', change: { state: 'closed' } },
    ],
  ] as const)('%s', (_, stored, work, decision) => {
    expect(decide(stored, work)).toEqual(decision)
  })

  it('closes an untouched ticket with the same action as the close policy', async () => {
    const command = await commandFor(decide(record(), { worked: false }))
    expect(command).toMatchObject({
      kind: 'addAction',
      action: { ticket_id: 7, new_status: 9, hiddenfromuser: true },
    })
  })

  it('adds a private note naming who worked it, and leaves the ticket open', async () => {
    const command = await commandFor(decide(record(), { worked: true, by: 'Jane (assigned)' }))
    expect(command?.kind).toBe('addAction')
    if (command?.kind !== 'addAction') return
    expect(command.action.new_status).toBeUndefined()
    expect(command.action.hiddenfromuser).toBe(true)
    expect(command.action.note).toContain(
      'The source reports this resolved; left open because Jane (assigned) worked on it.',
    )
    expect(command.action.note).toContain('[halo-hooks ref e1]')
  })

  it('asks Halo only for a resolve of an open ticket under this policy', () => {
    const resolved = { status: 'resolved' } as const
    expect(needsWorkCheck(record(), resolved, POLICY)).toBe(true)
    expect(needsWorkCheck(record(), { status: 'firing' }, POLICY)).toBe(false)
    expect(needsWorkCheck(record({ state: 'closed' }), resolved, POLICY)).toBe(false)
    expect(needsWorkCheck(record({ ticketId: undefined }), resolved, POLICY)).toBe(false)
    expect(needsWorkCheck(record(), resolved, LifecyclePolicySchema.parse({}))).toBe(false)
  })

  it('remembers the agent a created ticket was assigned to', async () => {
    const decision = decideLifecycle({
      record: undefined,
      alert: { status: 'firing' },
      envelopeId: 'e1',
      policy: POLICY,
      noise: NoisePolicySchema.parse({}),
      now: NOW,
    })
    const { next } = await planEffect(
      decision,
      undefined,
      { route: 'r', key: 'k', envelopeId: 'e1', at: NOW.toISOString() },
      {
        alert: { title: 't', description: '' },
        envelopeId: 'e1',
        policy: POLICY,
        ticket: async () => ({ summary: 't', agent_id: 4 }),
      },
    )
    expect(next?.agentId).toBe(4)
  })
})

describe('assessTicketWork', () => {
  it.each([
    ['no agent, only our actions', { agent_id: null }, [ours(1), ours(2)], undefined, false],
    ['unassigned (agent 0)', { agent_id: 0 }, [], undefined, false],
    ['the agent our create assigned', { agent_id: 4 }, [ours(1)], 4, false],
    [
      "another integration's note",
      { agent_id: null },
      [{ id: 3, note: 'synced', actionby_application_id: 'Datto RMM' }],
      undefined,
      false,
    ],
  ] as const)('untouched: %s', (_, ticket, actions, ourAgent, worked) => {
    expect(assessTicketWork(ticket, actions, ourAgent).worked).toBe(worked)
  })

  it('names the agent who took the ticket', () => {
    expect(assessTicketWork({ agent_id: 5, agent_name: 'Jane Tech' }, [], 4)).toEqual({
      worked: true,
      by: 'Jane Tech (assigned)',
    })
    expect(assessTicketWork({ agent_id: 5 }, [], undefined)).toEqual({
      worked: true,
      by: 'agent 5 (assigned)',
    })
  })

  it("names the person who added an action that is not ours and not an application's", () => {
    const person: HaloAction = { id: 3, note: 'Looking at it', who_agentid: 5 }
    expect(assessTicketWork({ agent_id: null }, [ours(1), person], undefined)).toEqual({
      worked: true,
      by: 'agent 5 (action 3)',
    })
    expect(
      assessTicketWork({ agent_id: null }, [{ id: 2, actionby_agent_id: 6 }], undefined),
    ).toEqual({ worked: true, by: 'agent 6 (action 2)' })
  })
})
