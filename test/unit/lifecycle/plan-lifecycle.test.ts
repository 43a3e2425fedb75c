import { describe, expect, it } from 'vitest'
import type { CorrelationRecord } from '../../../shared/lifecycle/correlation-store.js'
import { planEffect } from '../../../shared/lifecycle/effects.js'
import {
  LifecyclePolicySchema,
  NoisePolicySchema,
} from '../../../shared/lifecycle/lifecycle-policy.js'
import { decideLifecycle, needsRecheck } from '../../../shared/lifecycle/plan-lifecycle.js'

const NOW = new Date('2026-11-28T12:00:00Z')
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString()

const record = (fields: Partial<CorrelationRecord> = {}): CorrelationRecord => ({
  route: 'r',
  key: 'k',
  state: 'open',
  ticketId: 7,
  occurrences: 1,
  firstSeen: minutesAgo(120),
  lastSeen: minutesAgo(120),
  lastNotedAt: minutesAgo(120),
  notedOccurrences: 1,
  checkedAt: minutesAgo(1),
  applied: ['e0'],
  version: 3,
  ...fields,
})

const decide = (
  stored: CorrelationRecord | undefined,
  status: 'firing' | 'resolved',
  policy: object = {},
  noise: object = {},
  envelopeId = 'e1',
) =>
  decideLifecycle({
    record: stored,
    alert: { status },
    envelopeId,
    policy: LifecyclePolicySchema.parse(policy),
    noise: NoisePolicySchema.parse(noise),
    now: NOW,
  })

/** The state the effect table stores after the decision for this event is carried out. */
const nextAfter = async (
  stored: CorrelationRecord | undefined,
  status: 'firing' | 'resolved',
  envelopeId = 'e1',
) => {
  const policy = LifecyclePolicySchema.parse({})
  const decision = decide(stored, status, {}, {}, envelopeId)
  const { next } = await planEffect(
    decision,
    stored,
    { route: 'r', key: 'k', envelopeId, at: NOW.toISOString() },
    {
      alert: { title: 't', description: '', labels: {} },
      envelopeId,
      policy,
      ticket: async () => ({ summary: 't' }),
    },
  )
  return { decision, next }
}

describe('decideLifecycle', () => {
  it.each([
    ['firing, nothing stored', undefined, 'firing', {}, {}, { kind: 'create' }],
    [
      'firing, resolved without ticket before',
      record({ state: 'resolved', ticketId: undefined }),
      'firing',
      {},
      {},
      { kind: 'create' },
    ],
    [
      'firing, ticket open, note due',
      record(),
      'firing',
      {},
      {},
      { kind: 'note', ticketId: 7, occurrences: 2, since: 1 },
    ],
    [
      'firing, ticket open, noted recently',
      record({ lastNotedAt: minutesAgo(5) }),
      'firing',
      {},
      {},
      { kind: 'record', reason: 'repeat counted (noted recently)' },
    ],
    [
      'firing, ticket open, policy counts',
      record(),
      'firing',
      { repeat: 'count' },
      {},
      { kind: 'record', reason: 'repeat counted by policy' },
    ],
    [
      'firing, ticket closed, policy new',
      record({ state: 'closed', closedAt: minutesAgo(10) }),
      'firing',
      {},
      {},
      { kind: 'create', previousTicketId: 7 },
    ],
    [
      'firing, ticket closed, no link',
      record({ state: 'closed' }),
      'firing',
      { linkPrevious: false },
      {},
      { kind: 'create' },
    ],
    [
      'firing, closed within reopen window',
      record({ state: 'closed', closedAt: minutesAgo(10) }),
      'firing',
      { afterClosed: 'reopen', reopenWithinMinutes: 60 },
      {},
      { kind: 'reopen', ticketId: 7 },
    ],
    [
      'firing, closed outside reopen window',
      record({ state: 'closed', closedAt: minutesAgo(90) }),
      'firing',
      { afterClosed: 'reopen', reopenWithinMinutes: 60 },
      {},
      { kind: 'create', previousTicketId: 7 },
    ],
    ['resolved, ticket open', record(), 'resolved', {}, {}, { kind: 'close', ticketId: 7 }],
    [
      'resolved, ticket open, policy notes',
      record(),
      'resolved',
      { resolve: 'note' },
      {},
      { kind: 'resolveNote', ticketId: 7 },
    ],
    [
      'resolved, ticket open, policy ignores',
      record(),
      'resolved',
      { resolve: 'ignore' },
      {},
      { kind: 'record', reason: 'resolve ignored by policy' },
    ],
    [
      'resolved, nothing stored',
      undefined,
      'resolved',
      {},
      {},
      { kind: 'record', reason: 'resolved with no open ticket' },
    ],
    [
      'resolved, ticket already closed',
      record({ state: 'closed' }),
      'resolved',
      {},
      {},
      { kind: 'record', reason: 'resolved with no open ticket' },
    ],
    [
      'firing, first of 3 needed',
      undefined,
      'firing',
      {},
      { minOccurrences: 3 },
      { kind: 'record', reason: 'below threshold (1 of 3 within 60 min)' },
    ],
    [
      'firing, third of 3 within window',
      record({ state: 'pending', ticketId: undefined, occurrences: 2, firstSeen: minutesAgo(30) }),
      'firing',
      {},
      { minOccurrences: 3 },
      { kind: 'create' },
    ],
    [
      'firing, pending but window passed',
      record({ state: 'pending', ticketId: undefined, occurrences: 2, firstSeen: minutesAgo(90) }),
      'firing',
      {},
      { minOccurrences: 3 },
      { kind: 'record', reason: 'below threshold (1 of 3 within 60 min)' },
    ],
    [
      'resolved while pending',
      record({ state: 'pending', ticketId: undefined }),
      'resolved',
      {},
      { minOccurrences: 3 },
      { kind: 'record', reason: 'resolved with no open ticket' },
    ],
    [
      'firing in a drop window',
      undefined,
      'firing',
      {},
      { maintenance: [{ action: 'drop', start: minutesAgo(5), end: minutesAgo(-5) }] },
      { kind: 'suppress', rule: 'maintenance window (drop)' },
    ],
    [
      'firing in a count window',
      undefined,
      'firing',
      {},
      { maintenance: [{ action: 'count', start: minutesAgo(5), end: minutesAgo(-5) }] },
      { kind: 'record', reason: 'maintenance window (count)' },
    ],
    [
      'repeat in a count window',
      record(),
      'firing',
      {},
      { maintenance: [{ start: minutesAgo(5), end: minutesAgo(-5) }] },
      { kind: 'record', reason: 'maintenance window (count)' },
    ],
    [
      'firing after a window ended',
      undefined,
      'firing',
      {},
      { maintenance: [{ action: 'drop', start: minutesAgo(60), end: minutesAgo(1) }] },
      { kind: 'create' },
    ],
    [
      'resolved during a drop window still closes',
      record(),
      'resolved',
      {},
      { maintenance: [{ action: 'drop', start: minutesAgo(5), end: minutesAgo(-5) }] },
      { kind: 'close', ticketId: 7 },
    ],
    [
      'firing in a weekly window (Saturday 12:00 UTC)',
      undefined,
      'firing',
      {},
      { maintenance: [{ action: 'drop', weekly: { days: ['sat'], from: '11:00', to: '13:00' } }] },
      { kind: 'suppress', rule: 'maintenance window (drop)' },
    ],
    [
      'firing outside a weekly window (wrong day)',
      undefined,
      'firing',
      {},
      { maintenance: [{ action: 'drop', weekly: { days: ['sun'], from: '11:00', to: '13:00' } }] },
      { kind: 'create' },
    ],
    [
      'firing in an overnight window (Fri 22:00 → 13:00 next day)',
      undefined,
      'firing',
      {},
      { maintenance: [{ action: 'drop', weekly: { days: ['fri'], from: '22:00', to: '13:00' } }] },
      { kind: 'suppress', rule: 'maintenance window (drop)' },
    ],
    [
      'firing in a window of another time zone',
      undefined,
      'firing',
      {},
      {
        maintenance: [
          {
            action: 'drop',
            weekly: { days: ['sat'], from: '07:00', to: '08:00', timezone: 'America/New_York' },
          },
        ],
      },
      { kind: 'suppress', rule: 'maintenance window (drop)' },
    ],
  ] as const)('%s', (_, stored, status, policy, noise, decision) => {
    expect(decide(stored, status, policy, noise)).toMatchObject(decision)
  })

  it('recognises a redelivered envelope', () => {
    expect(decide(record({ applied: ['e0', 'e1'] }), 'firing')).toEqual({
      kind: 'duplicate',
    })
  })

  it('opens the problem after a create, the ticket id to come, leaving the first repeat due a note', async () => {
    const { decision, next } = await nextAfter(undefined, 'firing')
    expect(decision).toEqual({ kind: 'create', occurrences: 1, firstSeen: NOW.toISOString() })
    expect(next).toMatchObject({ state: 'open', occurrences: 1, applied: ['e1'] })
    expect(next?.ticketId).toBeUndefined()
    expect(next?.lastNotedAt).toBeUndefined()
    const created = { ...(next as CorrelationRecord), ticketId: 42, version: 1 }
    expect(decide(created, 'firing', {}, {}, 'e2')).toMatchObject({ kind: 'note', ticketId: 42 })
  })

  it('counts repeats on the record and remembers what the last note covered', async () => {
    const counted = await nextAfter(
      record({ occurrences: 4, lastNotedAt: minutesAgo(5) }),
      'firing',
    )
    expect(counted.decision).toMatchObject({ kind: 'record' })
    expect(counted.next).toMatchObject({
      occurrences: 5,
      notedOccurrences: 1,
      applied: ['e0', 'e1'],
    })
    const noted = await nextAfter(record({ occurrences: 5, notedOccurrences: 2 }), 'firing')
    expect(noted.decision).toEqual({ kind: 'note', ticketId: 7, occurrences: 6, since: 2 })
    expect(noted.next).toMatchObject({ notedOccurrences: 6, lastNotedAt: NOW.toISOString() })
  })

  it('marks the ticket closed, with the time, after a close', async () => {
    expect((await nextAfter(record(), 'resolved')).next).toMatchObject({
      state: 'closed',
      closedAt: NOW.toISOString(),
      ticketId: 7,
    })
  })

  it('keeps only the last 50 applied envelope ids', async () => {
    const applied = Array.from({ length: 50 }, (_, i) => `old${i}`)
    const { next } = await nextAfter(record({ applied }), 'firing')
    expect(next?.applied).toHaveLength(50)
    expect(next?.applied.at(-1)).toBe('e1')
    expect(next?.applied[0]).toBe('old1')
  })

  it('merges a repeat into the next note while Halo is busy, and never holds back a create or close', () => {
    const busy = (stored: CorrelationRecord | undefined, status: 'firing' | 'resolved') =>
      decideLifecycle({
        record: stored,
        alert: { status },
        envelopeId: 'e1',
        policy: LifecyclePolicySchema.parse({}),
        noise: NoisePolicySchema.parse({}),
        now: NOW,
        haloBusy: true,
      })
    expect(busy(record(), 'firing')).toEqual({
      kind: 'record',
      reason: 'repeat counted (Halo busy: the next note says so)',
      change: { occurrences: 2 },
    })
    expect(busy(undefined, 'firing')).toMatchObject({ kind: 'create' })
    expect(busy(record(), 'resolved')).toMatchObject({ kind: 'close', ticketId: 7 })
  })

  it('tells, when it closes, how many repeats were only counted since the last note', async () => {
    const closing = await nextAfter(record({ occurrences: 9, notedOccurrences: 4 }), 'resolved')
    expect(closing.decision).toEqual({ kind: 'close', ticketId: 7, unnoted: 5 })
    const policy = LifecyclePolicySchema.parse({})
    const { command } = await planEffect(
      closing.decision,
      record(),
      { route: 'r', key: 'k', envelopeId: 'e1', at: NOW.toISOString() },
      {
        alert: { title: 't', description: '', labels: {} },
        envelopeId: 'e1',
        policy,
        ticket: async () => ({ summary: 't' }),
      },
    )
    expect(command?.kind === 'addAction' && command.action.note).toContain(
      'It recurred 5 more times since the last note.',
    )
  })

  it('stores nothing for a redelivery or a dropped alert', async () => {
    expect((await nextAfter(record({ applied: ['e1'] }), 'firing')).next).toBeUndefined()
  })

  it('asks for a recheck only of open tickets whose state is older than the policy allows', () => {
    const policy = LifecyclePolicySchema.parse({ recheckAfterMinutes: 15 })
    expect(needsRecheck(record({ checkedAt: minutesAgo(16) }), policy, NOW)).toBe(true)
    expect(needsRecheck(record({ checkedAt: minutesAgo(14) }), policy, NOW)).toBe(false)
    expect(needsRecheck(record({ state: 'closed', checkedAt: minutesAgo(99) }), policy, NOW)).toBe(
      false,
    )
  })
})

describe('lifecycle config', () => {
  it.each([
    [{ maintenance: [{ action: 'drop' }] }, 'either start and end, or weekly'],
    [{ maintenance: [{ start: '2026-01-01T00:00:00Z' }] }, 'start and end go together'],
    [{ maintenance: [{ weekly: { from: '25:00', to: '01:00' } }] }, 'HH:MM'],
    [
      { maintenance: [{ weekly: { from: '01:00', to: '02:00', timezone: 'Mars/Olympus' } }] },
      'IANA time zone',
    ],
  ])('rejects %o', (noise, message) => {
    const result = NoisePolicySchema.safeParse(noise)
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((i) => i.message).join()).toContain(message)
  })
})
