import { describe, expect, it } from 'vitest'
import type { CorrelationRecord } from '../../../shared/lifecycle/correlation-store.js'
import { decideDue, dueAtOf, routeNeedsTimers } from '../../../shared/lifecycle/due.js'
import { planEffect } from '../../../shared/lifecycle/effects.js'
import { GroupPolicySchema } from '../../../shared/lifecycle/group-policy.js'
import type { Incident } from '../../../shared/lifecycle/incident-state.js'
import {
  LifecyclePolicySchema,
  NoisePolicySchema,
} from '../../../shared/lifecycle/lifecycle-policy.js'
import {
  decideLifecycle,
  type LifecycleDecision,
  needsWorkCheck,
} from '../../../shared/lifecycle/plan-lifecycle.js'

const NOW = new Date('2026-11-28T12:00:00Z')
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString()
const minutesOn = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString()

const firing = (since = minutesAgo(30)) => ({ status: 'firing' as const, since })
const gone = (since = minutesAgo(30)) => ({ status: 'resolved' as const, since })

const incident = (fields: Partial<Incident> = {}): Incident => ({
  group: 'acme',
  members: { 'web-1': firing() },
  joined: [],
  notedAt: minutesAgo(30),
  ...fields,
})

/** An open incident ticket (#7) with web-1 firing, its members last listed 30 minutes ago. */
const open = (fields: Partial<CorrelationRecord> = {}): CorrelationRecord => ({
  route: 'r',
  key: 'incident:acme',
  state: 'open',
  ticketId: 7,
  occurrences: 1,
  firstSeen: minutesAgo(30),
  lastSeen: minutesAgo(30),
  notedOccurrences: 1,
  checkedAt: minutesAgo(1),
  applied: ['e0'],
  incident: incident(),
  version: 3,
  ...fields,
})

type Event = { key: string; status: 'firing' | 'resolved'; title?: string }

const decide = (
  stored: CorrelationRecord | undefined,
  event: Event,
  options: { group?: object; policy?: object; noise?: object; haloBusy?: boolean } = {},
): LifecycleDecision =>
  decideLifecycle({
    record: stored,
    alert: { ...event, title: event.title ?? `${event.key} down`, group: 'acme' },
    envelopeId: 'e1',
    policy: LifecyclePolicySchema.parse(options.policy ?? {}),
    noise: NoisePolicySchema.parse(options.noise ?? {}),
    group: GroupPolicySchema.parse(options.group ?? {}),
    now: NOW,
    ...(options.haloBusy ? { haloBusy: true } : {}),
  })

const web2 = { key: 'web-2', status: 'firing' } as const

describe('decideIncident (a route with a group policy)', () => {
  it.each<[string, CorrelationRecord | undefined, Event, object, object]>([
    [
      'the first member opens the incident',
      undefined,
      { key: 'web-1', status: 'firing' },
      {},
      {
        kind: 'create',
        occurrences: 1,
        incident: {
          listed: [{ key: 'web-1', title: 'web-1 down' }],
          firing: 1,
          members: 1,
          next: { group: 'acme', members: { 'web-1': firing(minutesAgo(0)) }, joined: [] },
        },
      },
    ],
    [
      'with minAlerts, the first member only gathers',
      undefined,
      { key: 'web-1', status: 'firing' },
      { group: { minAlerts: 3 } },
      {
        kind: 'record',
        reason: 'incident gathering (1 of 3 alerts within 15 min)',
        change: { state: 'pending' },
      },
    ],
    [
      'with minAlerts, the Nth member within the window opens it, listing all',
      open({
        state: 'pending',
        ticketId: undefined,
        occurrences: 2,
        incident: incident({
          members: { 'web-1': firing(minutesAgo(10)), 'web-3': firing(minutesAgo(5)) },
          joined: [
            { key: 'web-1', title: 'web-1 down' },
            { key: 'web-3', title: 'web-3 down' },
          ],
        }),
      }),
      web2,
      { group: { minAlerts: 3 } },
      {
        kind: 'create',
        occurrences: 3,
        incident: { listed: [{ key: 'web-1' }, { key: 'web-3' }, { key: 'web-2' }], members: 3 },
      },
    ],
    [
      'with minAlerts, members older than the window do not count',
      open({
        state: 'pending',
        ticketId: undefined,
        incident: incident({ members: { 'web-1': firing(minutesAgo(20)) } }),
      }),
      web2,
      { group: { minAlerts: 2 } },
      { kind: 'record', reason: 'incident gathering (1 of 2 alerts within 15 min)' },
    ],
    [
      'with minAlerts, resolved members do not count',
      open({
        state: 'pending',
        ticketId: undefined,
        incident: incident({ members: { 'web-1': gone(minutesAgo(2)) } }),
      }),
      web2,
      { group: { minAlerts: 2 } },
      { kind: 'record', reason: 'incident gathering (1 of 2 alerts within 15 min)' },
    ],
    [
      'a member joins before the interval is up: kept for the merged note, due at its end',
      open({ incident: incident({ notedAt: minutesAgo(2) }) }),
      web2,
      {},
      {
        kind: 'record',
        reason: 'member joined (listed in the next merged note)',
        change: {
          occurrences: 2,
          incident: {
            members: { 'web-2': firing(minutesAgo(0)) },
            joined: [{ key: 'web-2', title: 'web-2 down' }],
            noteDueAt: minutesOn(3),
          },
        },
      },
    ],
    [
      'a member joins after the interval: one merged note lists all that joined since',
      open({ incident: incident({ joined: [{ key: 'web-3', title: 'web-3 down' }] }) }),
      web2,
      {},
      {
        kind: 'note',
        ticketId: 7,
        occurrences: 2,
        incident: {
          listed: [{ key: 'web-3' }, { key: 'web-2' }],
          firing: 2,
          next: { joined: [], notedAt: NOW.toISOString() },
        },
      },
    ],
    [
      'Halo busy: the merged note waits another interval',
      open(),
      web2,
      { haloBusy: true },
      {
        kind: 'record',
        reason: 'member joined (Halo busy: listed in the next merged note)',
        change: { incident: { noteDueAt: minutesOn(5) } },
      },
    ],
    [
      'a firing member firing again is only counted',
      open(),
      { key: 'web-1', status: 'firing' },
      {},
      {
        kind: 'record',
        reason: 'repeat of a firing member (counted)',
        change: { occurrences: 2 },
      },
    ],
    [
      'a resolved member firing again rejoins',
      open({
        incident: incident({
          members: { 'web-1': firing(), 'web-2': gone() },
          notedAt: minutesAgo(1),
        }),
      }),
      web2,
      {},
      {
        kind: 'record',
        change: { incident: { members: { 'web-2': firing(minutesAgo(0)) } } },
      },
    ],
    [
      'a member resolves while others fire: recorded, no Halo call',
      open({ incident: incident({ members: { 'web-1': firing(), 'web-2': firing() } }) }),
      { key: 'web-2', status: 'resolved' },
      {},
      {
        kind: 'record',
        reason: 'member resolved (1 of 2 still firing)',
        change: { incident: { members: { 'web-2': gone(minutesAgo(0)) } } },
      },
    ],
    [
      'the last firing member resolves: the incident closes',
      open({ incident: incident({ members: { 'web-1': firing(), 'web-2': gone() } }) }),
      { key: 'web-1', status: 'resolved' },
      {},
      { kind: 'close', ticketId: 7, incident: { firing: 0, members: 2 } },
    ],
    [
      'the last member resolves under resolve: note',
      open(),
      { key: 'web-1', status: 'resolved' },
      { policy: { resolve: 'note' } },
      { kind: 'resolveNote', ticketId: 7 },
    ],
    [
      'the last member resolves under resolve: ignore',
      open(),
      { key: 'web-1', status: 'resolved' },
      { policy: { resolve: 'ignore' } },
      { kind: 'record', reason: 'resolve ignored by policy' },
    ],
    [
      'a resolve of an alert that is not a firing member',
      open(),
      { key: 'web-9', status: 'resolved' },
      {},
      { kind: 'record', reason: 'resolved: not a firing member of the incident', change: {} },
    ],
    [
      'the only gathering member resolves: nothing left firing',
      open({ state: 'pending', ticketId: undefined }),
      { key: 'web-1', status: 'resolved' },
      { group: { minAlerts: 2 } },
      { kind: 'record', change: { state: 'resolved' } },
    ],
    [
      'a member resolves after a technician closed the incident in Halo',
      open({ state: 'closed', closedAt: minutesAgo(5) }),
      { key: 'web-1', status: 'resolved' },
      {},
      {
        kind: 'record',
        reason: 'member resolved (the incident’s ticket is closed)',
        change: { incident: { members: { 'web-1': gone(minutesAgo(0)) } } },
      },
    ],
    [
      'a member fires after the incident closed: a new incident, linked, with fresh members',
      open({
        state: 'closed',
        closedAt: minutesAgo(10),
        incident: incident({ members: { 'web-1': gone() } }),
      }),
      web2,
      {},
      {
        kind: 'create',
        previousTicketId: 7,
        incident: { members: 1, next: { members: { 'web-2': firing(minutesAgo(0)) } } },
      },
    ],
    [
      'a member fires after the incident closed, afterClosed: reopen',
      open({ state: 'closed', closedAt: minutesAgo(10) }),
      web2,
      { policy: { afterClosed: 'reopen' } },
      { kind: 'reopen', ticketId: 7, incident: { members: 1 } },
    ],
    [
      'a maintenance window that drops',
      open(),
      web2,
      { noise: { maintenance: [{ action: 'drop', start: minutesAgo(5), end: minutesOn(5) }] } },
      { kind: 'suppress', rule: 'maintenance window (drop)' },
    ],
    [
      'a maintenance window that counts: the member joins without a note',
      open(),
      web2,
      { noise: { maintenance: [{ start: minutesAgo(5), end: minutesOn(5) }] } },
      { kind: 'record', reason: 'maintenance window (member counted)' },
    ],
    [
      'noise.minOccurrences does not hold an incident back (minAlerts counts members)',
      undefined,
      { key: 'web-1', status: 'firing' },
      { noise: { minOccurrences: 3 } },
      { kind: 'create' },
    ],
  ])('%s', (_name, stored, event, options, expected) => {
    expect(decide(stored, event, options)).toMatchObject(expected)
  })

  it('is a duplicate for an envelope already applied', () => {
    expect(decide(open({ applied: ['e1'] }), web2)).toEqual({ kind: 'duplicate' })
  })

  it('decides an alert without a group (its key yielded nothing) on its own', () => {
    const decision = decideLifecycle({
      record: undefined,
      alert: { key: 'web-1', title: 'web-1 down', status: 'firing' },
      envelopeId: 'e1',
      policy: LifecyclePolicySchema.parse({}),
      noise: NoisePolicySchema.parse({}),
      group: GroupPolicySchema.parse({}),
      now: NOW,
    })
    expect(decision).toEqual({ kind: 'create', occurrences: 1, firstSeen: NOW.toISOString() })
  })

  it('tracks at most 200 members and counts the rest, which cannot hold it open', () => {
    const members = Object.fromEntries(
      Array.from({ length: 200 }, (_, n) => [`h-${n}`, firing()] as const),
    )
    const full = open({ incident: incident({ members, notedAt: minutesAgo(1) }) })
    const decision = decide(full, { key: 'h-200', status: 'firing' })
    expect(decision).toMatchObject({ kind: 'record', change: { incident: { untracked: 1 } } })
    const change = decision.kind === 'record' ? decision.change.incident : undefined
    expect(Object.keys(change?.members ?? {})).toHaveLength(200)
  })

  it('lists at most 25 members in one note and counts the rest', () => {
    const joined = Array.from({ length: 25 }, (_, n) => ({ key: `h-${n}`, title: `h-${n} down` }))
    const decision = decide(open({ incident: incident({ joined }) }), web2)
    expect(decision).toMatchObject({ kind: 'note', incident: { more: 1 } })
    expect(decision.kind === 'note' && decision.incident?.listed).toHaveLength(25)
  })
})

describe('needsWorkCheck on an incident (resolve: close-if-untouched)', () => {
  const policy = LifecyclePolicySchema.parse({ resolve: 'close-if-untouched' })
  const two = open({ incident: incident({ members: { 'web-1': firing(), 'web-2': firing() } }) })

  it('reads the ticket only for the resolve of the last firing member', () => {
    expect(needsWorkCheck(two, { key: 'web-1', status: 'resolved' }, policy)).toBe(false)
    expect(needsWorkCheck(open(), { key: 'web-1', status: 'resolved' }, policy)).toBe(true)
  })

  it.each([
    [{ worked: false } as const, 'close'],
    [{ worked: true, by: 'Jo' } as const, 'resolveNote'],
  ])('closes only an untouched incident ticket (%o → %s)', (work, kind) => {
    const decision = decideLifecycle({
      record: open(),
      alert: { key: 'web-1', title: 'web-1 down', status: 'resolved', group: 'acme' },
      envelopeId: 'e1',
      policy,
      noise: NoisePolicySchema.parse({}),
      group: GroupPolicySchema.parse({}),
      now: NOW,
      work,
    })
    expect(decision.kind).toBe(kind)
  })
})

describe('the incident due time (merged note without another alert)', () => {
  const route = {
    name: 'r',
    lifecycle: LifecyclePolicySchema.parse({}),
    noise: NoisePolicySchema.parse({}),
    businessHours: undefined,
    heartbeat: undefined,
  }
  const waiting = open({
    incident: incident({
      joined: [{ key: 'web-2', title: 'web-2 down' }],
      noteDueAt: minutesAgo(1),
    }),
  })

  it('makes a grouping route need the due sweep', () => {
    expect(routeNeedsTimers({ ...route, group: GroupPolicySchema.parse({}) })).toBe(true)
    expect(routeNeedsTimers(route)).toBe(false)
  })

  it('is the record’s due time', () => {
    expect(dueAtOf(waiting)).toBe(minutesAgo(1))
    expect(dueAtOf(open())).toBeUndefined()
  })

  it.each<[string, CorrelationRecord, object]>([
    [
      'due, members waiting: the merged note, due time cleared',
      waiting,
      {
        kind: 'note',
        ticketId: 7,
        incident: { listed: [{ key: 'web-2' }], next: { joined: [], notedAt: NOW.toISOString() } },
      },
    ],
    [
      'due, nothing waiting (the ticket closed meanwhile): the due time is cleared',
      open({
        state: 'closed',
        incident: incident({ joined: [{ key: 'web-2', title: 'x' }], noteDueAt: minutesAgo(1) }),
      }),
      { kind: 'record', reason: 'merged note due, nothing to list' },
    ],
    [
      'not due yet',
      open({
        incident: incident({ joined: [{ key: 'web-2', title: 'x' }], noteDueAt: minutesOn(1) }),
      }),
      { kind: 'suppress', rule: 'nothing due' },
    ],
  ])('%s', (_name, stored, expected) => {
    const decision = decideDue({ record: stored, route, now: NOW, envelopeId: 'due-1' })
    expect(decision).toMatchObject(expected)
    if (decision.kind === 'note') expect(decision.incident?.next.noteDueAt).toBeUndefined()
    if (decision.kind === 'record') expect(decision.change.incident?.noteDueAt).toBeUndefined()
  })
})

describe('the incident in the effect table', () => {
  const policy = LifecyclePolicySchema.parse({})
  const plan = (stored: CorrelationRecord | undefined, decision: LifecycleDecision) =>
    planEffect(
      decision,
      stored,
      { route: 'r', key: 'incident:acme', envelopeId: 'e1', at: NOW.toISOString() },
      {
        alert: { title: 'web-2 down', description: '', labels: {} },
        envelopeId: 'e1',
        policy,
        ticket: async () => ({ summary: 'web-1 down', details: 'ping failed' }),
      },
    )

  it('opens a ticket that says it is an incident of its group, naming its members', async () => {
    const { command, next } = await plan(
      undefined,
      decide(undefined, { key: 'web-1', status: 'firing' }),
    )
    expect(command).toMatchObject({
      kind: 'createTicket',
      ticket: { summary: 'Incident (acme): web-1 down' },
    })
    const details = command?.kind === 'createTicket' ? command.ticket.details : ''
    expect(details).toMatch(/^Incident of 1 alert for acme\./)
    expect(details).toContain('- web-1 down (web-1)')
    expect(details).toMatch(/ping failed$/)
    expect(next?.incident).toMatchObject({ members: { 'web-1': { status: 'firing' } }, joined: [] })
  })

  it('adds one merged note listing the titles of the members that joined', async () => {
    const stored = open({
      incident: incident({
        members: { 'web-1': firing(), 'web-3': firing() },
        joined: [{ key: 'web-3', title: 'web-3 down' }],
      }),
    })
    const { command, next } = await plan(stored, decide(stored, web2))
    const note = command?.kind === 'addAction' ? command.action.note : ''
    expect(note).toMatch(
      /^2 more alerts joined this incident \(3 of 3 firing\):\n- web-3 down \(web-3\)\n- web-2 down \(web-2\)\n/,
    )
    expect(next).toMatchObject({ lastNotedAt: NOW.toISOString(), incident: { joined: [] } })
  })

  it('closes with the members not yet noted', async () => {
    const stored = open({
      incident: incident({
        joined: [{ key: 'web-2', title: 'web-2 down' }],
        members: { 'web-1': firing(), 'web-2': gone() },
      }),
    })
    const { command, next } = await plan(
      stored,
      decide(stored, { key: 'web-1', status: 'resolved' }),
    )
    expect(command).toMatchObject({ kind: 'addAction', action: { new_status: 9 } })
    const note = command?.kind === 'addAction' ? command.action.note : ''
    expect(note).toMatch(
      /^All 2 alerts of this incident resolved; closing\.\nJoined since the last note:\n- web-2 down/,
    )
    expect(next).toMatchObject({
      state: 'closed',
      incident: { members: { 'web-1': { status: 'resolved' } } },
    })
  })

  it('records a member that waits for the note, with its due time, without a Halo call', async () => {
    const stored = open({ incident: incident({ notedAt: minutesAgo(1) }) })
    const { command, next } = await plan(stored, decide(stored, web2))
    expect(command).toBeUndefined()
    expect(next?.incident?.noteDueAt).toBe(minutesOn(4))
    expect(next && dueAtOf(next)).toBe(minutesOn(4))
  })
})
