import { describe, expect, it } from 'vitest'
import type {
  CorrelationRecord,
  HeartbeatState,
} from '../../../shared/lifecycle/correlation-store.js'
import { decideDue, dueAtOf } from '../../../shared/lifecycle/due.js'
import { planEffect } from '../../../shared/lifecycle/effects.js'
import {
  decideHeartbeatDue,
  decidePing,
  heartbeatAlertOf,
} from '../../../shared/lifecycle/heartbeat.js'
import { HeartbeatPolicySchema } from '../../../shared/lifecycle/heartbeat-policy.js'
import {
  BusinessHoursSchema,
  LifecyclePolicySchema,
  NoisePolicySchema,
} from '../../../shared/lifecycle/lifecycle-policy.js'
import type { LifecycleDecision } from '../../../shared/lifecycle/plan-lifecycle.js'

const NOW = new Date('2026-12-01T12:00:00.000Z')
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString()
// Expected every 60 minutes with 10 of grace: a ping's deadline is 70 minutes after it.
const POLICY = HeartbeatPolicySchema.parse({ expectEveryMinutes: 60, graceMinutes: 10 })

const watching = (fields: Partial<CorrelationRecord> = {}): CorrelationRecord => ({
  route: 'r',
  key: 'backup',
  state: 'resolved',
  occurrences: 0,
  firstSeen: at(-600),
  lastSeen: at(-30),
  applied: ['e0'],
  version: 4,
  heartbeat: { lastPingAt: at(-30), deadline: at(40), name: 'Nightly backup' },
  ...fields,
})

const missed = (fields: Partial<CorrelationRecord> = {}): CorrelationRecord =>
  watching({
    state: 'open',
    ticketId: 41,
    heartbeat: { lastPingAt: at(-100), missedAt: at(-30), name: 'Nightly backup' },
    ...fields,
  })

const ping = (
  record: CorrelationRecord | undefined,
  receivedAt = NOW.toISOString(),
  alert: Partial<Parameters<typeof decidePing>[0]['alert']> = {},
  envelopeId = 'e1',
) =>
  decidePing({
    record,
    alert: { key: 'backup', title: 'Nightly backup', ...alert },
    envelopeId,
    receivedAt,
    policy: POLICY,
    now: NOW,
  })

const route = (fields: Record<string, unknown> = {}) => ({
  name: 'r',
  lifecycle: LifecyclePolicySchema.parse({}),
  noise: NoisePolicySchema.parse({}),
  heartbeat: POLICY,
  businessHours: undefined,
  ...fields,
})

const pinged = (heartbeat: HeartbeatState): LifecycleDecision => ({ kind: 'ping', heartbeat })

const recorded = (
  heartbeat: HeartbeatState,
  reason: string | RegExp = /heartbeat/,
): LifecycleDecision => ({
  kind: 'record',
  reason: typeof reason === 'string' ? reason : expect.stringMatching(reason),
  change: { heartbeat },
})

describe('HeartbeatPolicySchema', () => {
  it.each([
    [{ expectEveryMinutes: 60 }, 6],
    [{ expectEveryMinutes: 1440 }, 144],
    [{ expectEveryMinutes: 5 }, 5],
    [{ expectEveryMinutes: 60, graceMinutes: 0 }, 0],
  ])('gives %o a grace of %i minutes', (input, grace) => {
    expect(HeartbeatPolicySchema.parse(input)).toEqual({
      expectEveryMinutes: input.expectEveryMinutes,
      graceMinutes: grace,
      severity: 'high',
    })
  })

  it('refuses a policy without an interval, or one of zero', () => {
    expect(HeartbeatPolicySchema.safeParse({}).success).toBe(false)
    expect(HeartbeatPolicySchema.safeParse({ expectEveryMinutes: 0 }).success).toBe(false)
  })
})

describe('decidePing', () => {
  it.each<[string, CorrelationRecord | undefined, string, object, LifecycleDecision]>([
    [
      'starts watching a key never seen before (no failure, no Halo call)',
      undefined,
      NOW.toISOString(),
      {},
      pinged({ lastPingAt: at(0), deadline: at(70), name: 'Nightly backup' }),
    ],
    [
      'moves the deadline to the received time plus interval and grace',
      watching(),
      NOW.toISOString(),
      {},
      pinged({ lastPingAt: at(0), deadline: at(70), name: 'Nightly backup' }),
    ],
    [
      'keeps no name when the ping names nothing but its key',
      watching(),
      NOW.toISOString(),
      { title: 'backup' },
      pinged({ lastPingAt: at(0), deadline: at(70) }),
    ],
    [
      'never moves the last ping back for a ping delivered out of order',
      watching(),
      at(-45),
      {},
      pinged({ lastPingAt: at(-30), deadline: at(40), name: 'Nightly backup' }),
    ],
    [
      'counts a received time ahead of the deliverer clock as now',
      watching(),
      at(30),
      {},
      pinged({ lastPingAt: at(0), deadline: at(70), name: 'Nightly backup' }),
    ],
    [
      'keeps the tenant hints and resource of the last ping',
      watching(),
      NOW.toISOString(),
      { tenant: { name: 'Acme' }, resource: 'nas01' },
      pinged({
        lastPingAt: at(0),
        deadline: at(70),
        name: 'Nightly backup',
        tenant: { name: 'Acme' },
        resource: 'nas01',
      }),
    ],
    [
      'closes the missed ticket when the heartbeat is back',
      missed(),
      NOW.toISOString(),
      {},
      {
        kind: 'heartbeatBack',
        ticketId: 41,
        since: at(-100),
        heartbeat: { lastPingAt: at(0), deadline: at(70), name: 'Nightly backup' },
      },
    ],
    [
      'closes it for a ping received the instant the silence was noticed',
      missed(),
      at(-30),
      {},
      {
        kind: 'heartbeatBack',
        ticketId: 41,
        since: at(-100),
        heartbeat: { lastPingAt: at(-30), deadline: at(40), name: 'Nightly backup' },
      },
    ],
    [
      'closes it for a ping that waited in the queue behind the timer (received before it opened)',
      missed(),
      at(-40),
      {},
      {
        kind: 'heartbeatBack',
        ticketId: 41,
        since: at(-100),
        heartbeat: { lastPingAt: at(-40), deadline: at(30), name: 'Nightly backup' },
      },
    ],
    [
      'leaves the missed ticket open for a redelivered ping from before the silence',
      missed(),
      at(-100),
      {},
      { kind: 'record', reason: 'heartbeat ping older than its missed ticket', change: {} },
    ],
  ])('%s', (_, record, receivedAt, alert, decision) => {
    expect(ping(record, receivedAt, alert)).toEqual(decision)
  })

  it('rounds the deadline up to the minute, so retries within it leave the due index alone', () => {
    const first = ping(watching(), new Date(NOW.getTime() - 50_000).toISOString(), {}, 'e1')
    const retry = ping(watching(), new Date(NOW.getTime() - 10_000).toISOString(), {}, 'e2')

    expect(first).toMatchObject({ heartbeat: { deadline: at(70) } })
    expect(retry).toMatchObject({ heartbeat: { deadline: at(70) } })
  })

  it('does nothing for a ping already applied', () => {
    expect(ping(watching(), NOW.toISOString(), {}, 'e0')).toEqual({ kind: 'duplicate' })
  })
})

describe('decideHeartbeatDue', () => {
  const due = (record: CorrelationRecord, fields: Record<string, unknown> = {}, now = NOW) =>
    decideHeartbeatDue({ record, route: route(fields), now })

  it('decides nothing before the deadline', () => {
    expect(due(watching())).toBeUndefined()
    expect(due(watching({ heartbeat: { lastPingAt: at(-30) } }))).toBeUndefined()
  })

  it('opens a missed-heartbeat ticket once the deadline has passed, clearing it', () => {
    expect(due(watching(), {}, new Date(at(41)))).toEqual({
      kind: 'heartbeatMissed',
      since: at(-30),
      heartbeat: { lastPingAt: at(-30), missedAt: at(41), name: 'Nightly backup' },
    })
  })

  it('names the previous ticket when the heartbeat was missed before', () => {
    const before = watching({ state: 'closed', ticketId: 12 })
    expect(due(before, {}, new Date(at(40)))).toMatchObject({
      kind: 'heartbeatMissed',
      previousTicketId: 12,
    })
  })

  it('moves the deadline by one interval during a maintenance window', () => {
    const maintenance = [{ start: at(0), end: at(120), action: 'count' }]
    const decided = due(
      watching(),
      { noise: NoisePolicySchema.parse({ maintenance }) },
      new Date(at(40)),
    )
    expect(decided).toEqual(
      recorded(
        { lastPingAt: at(-30), deadline: at(110), name: 'Nightly backup' },
        'heartbeat missed during a maintenance window',
      ),
    )
  })

  describe('out of business hours (outOfHours: defer)', () => {
    // Tuesday 2026-12-01: hours begin at 13:00 UTC, twenty minutes after the deadline is noticed.
    const businessHours = BusinessHoursSchema.parse({
      weekly: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '13:00', to: '18:00' }],
      outOfHours: 'defer',
    })

    it('asks again when hours begin, for a severity the route defers', () => {
      expect(due(watching(), { businessHours }, new Date(at(40)))).toEqual(
        recorded(
          { lastPingAt: at(-30), deadline: at(60), name: 'Nightly backup' },
          'heartbeat missed out of business hours',
        ),
      )
    })

    it('opens the ticket at once for a severity it does not defer, and in hours', () => {
      const critical = HeartbeatPolicySchema.parse({ expectEveryMinutes: 60, severity: 'critical' })
      expect(due(watching(), { businessHours, heartbeat: critical }, new Date(at(40)))?.kind).toBe(
        'heartbeatMissed',
      )
      expect(due(watching(), { businessHours }, new Date(at(61)))?.kind).toBe('heartbeatMissed')
    })

    it('lets a maintenance window win', () => {
      const noise = NoisePolicySchema.parse({ maintenance: [{ start: at(0), end: at(120) }] })
      expect(due(watching(), { businessHours, noise }, new Date(at(40)))).toMatchObject({
        reason: 'heartbeat missed during a maintenance window',
      })
    })
  })

  it('clears the deadline of a route that no longer watches heartbeats', () => {
    expect(due(watching(), { heartbeat: undefined }, new Date(at(40)))).toEqual(
      recorded(
        { lastPingAt: at(-30), name: 'Nightly backup' },
        'heartbeat no longer watched by the route',
      ),
    )
  })
})

describe('decideDue with heartbeats', () => {
  it('lists the heartbeat deadline as the record due time', () => {
    expect(dueAtOf(watching())).toBe(at(40))
    expect(dueAtOf(missed())).toBeUndefined()
  })

  it('dispatches a due heartbeat and is never due twice for it', async () => {
    const record = watching()
    const now = new Date(at(45))
    const decision = decideDue({ record, route: route(), now, envelopeId: 'due-1' })
    expect(decision.kind).toBe('heartbeatMissed')

    const { next, command } = await planEffect(
      decision,
      record,
      { route: 'r', key: 'backup', envelopeId: 'due-1', at: now.toISOString() },
      {
        alert: heartbeatAlertOf(record, route(), now),
        envelopeId: 'due-1',
        policy: LifecyclePolicySchema.parse({}),
        ticket: async () => ({ summary: 'No heartbeat', details: '' }),
      },
    )
    expect(command).toEqual({
      kind: 'createTicket',
      ticket: { summary: 'No heartbeat', details: '' },
    })
    expect(next).toMatchObject({ state: 'open', applied: ['e0', 'due-1'] })
    const after = { ...(next as CorrelationRecord), ticketId: 42, version: 5 }
    expect(dueAtOf(after)).toBeUndefined()
    expect(decideDue({ record: after, route: route(), now, envelopeId: 'due-2' })).toEqual({
      kind: 'suppress',
      rule: 'nothing due',
    })
  })
})

describe('the heartbeat effects', () => {
  it('closes the missed ticket with a note saying when the heartbeat came back', async () => {
    const record = missed()
    const decision = ping(record)
    const { command, next } = await planEffect(
      decision,
      record,
      { route: 'r', key: 'backup', envelopeId: 'e1', at: NOW.toISOString() },
      {
        alert: { title: 'Nightly backup', description: '', labels: {} },
        envelopeId: 'e1',
        policy: LifecyclePolicySchema.parse({}),
        ticket: async () => ({ summary: 'unused', details: '' }),
      },
    )
    expect(command).toMatchObject({
      kind: 'addAction',
      action: {
        ticket_id: 41,
        new_status: 9,
        note: expect.stringContaining(
          `Heartbeat received again at ${at(0)} (silent since ${at(-100)}); closing.`,
        ),
      },
    })
    expect(next).toMatchObject({
      state: 'closed',
      closedAt: at(0),
      heartbeat: { lastPingAt: at(0), deadline: at(70) },
    })
    expect(next?.heartbeat?.missedAt).toBeUndefined()
  })

  it('records a ping with no Halo call', async () => {
    const { command, next, outcome } = await planEffect(
      ping(watching()),
      watching(),
      { route: 'r', key: 'backup', envelopeId: 'e1', at: NOW.toISOString() },
      {
        alert: { title: 'Nightly backup', description: '', labels: {} },
        envelopeId: 'e1',
        policy: LifecyclePolicySchema.parse({}),
        ticket: async () => ({ summary: 'unused', details: '' }),
      },
    )
    expect({ command, outcome }).toEqual({ command: undefined, outcome: 'recorded' })
    expect(next).toMatchObject({ state: 'resolved', heartbeat: { deadline: at(70) } })
  })

  it('keeps only the few envelope ids before a ping: the record every ping rewrites stays small', async () => {
    const many = watching({ applied: Array.from({ length: 50 }, (_, n) => `e${n}`) })
    const { next } = await planEffect(
      ping(many, NOW.toISOString(), {}, 'e99'),
      many,
      { route: 'r', key: 'backup', envelopeId: 'e99', at: NOW.toISOString() },
      {
        alert: { title: 'Nightly backup', description: '', labels: {} },
        envelopeId: 'e99',
        policy: LifecyclePolicySchema.parse({}),
        ticket: async () => ({ summary: 'unused', details: '' }),
      },
    )
    expect(next?.applied).toEqual(['e45', 'e46', 'e47', 'e48', 'e49'])
  })
})

describe('heartbeatAlertOf', () => {
  it('makes the missed ticket from the last ping: name, time, tenant and the policy severity', () => {
    const record = watching({
      heartbeat: {
        lastPingAt: '2026-12-01T06:40:12.000Z',
        deadline: '2026-12-01T07:50:12.000Z',
        name: 'Nightly backup',
        tenant: { id: '7' },
        resource: 'nas01',
      },
    })
    expect(heartbeatAlertOf(record, route(), NOW)).toEqual({
      key: 'backup',
      status: 'firing',
      severity: 'high',
      title: 'No heartbeat from Nightly backup since 2026-12-01 06:40 UTC',
      description: expect.stringContaining('expected every 60 min (with 10 min of grace)'),
      occurredAt: '2026-12-01T07:50:12.000Z',
      resource: 'nas01',
      tenant: { id: '7' },
      labels: {},
    })
  })

  it('names the key when the pings named nothing else', () => {
    const record = watching({ heartbeat: { lastPingAt: at(-80), deadline: at(-10) } })
    expect(heartbeatAlertOf(record, route(), NOW).title).toMatch(/^No heartbeat from backup since/)
  })
})
