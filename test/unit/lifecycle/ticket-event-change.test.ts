import { describe, expect, it } from 'vitest'
import type { CorrelationRecord } from '../../../shared/lifecycle/correlation-store.js'
import {
  decideTicketChange,
  type TicketChangeInput,
  ticketCondition,
} from '../../../shared/lifecycle/ticket-event-change.js'
import type { TicketEvent } from '../../../shared/ticket-event.js'

const NOW = new Date('2026-06-01T12:00:00.000Z')

const openRecord = (overrides: Partial<CorrelationRecord> = {}): CorrelationRecord => ({
  route: 'prometheus',
  key: 'disk-db01',
  ticketId: 1001,
  state: 'open',
  occurrences: 3,
  firstSeen: '2026-06-01T10:00:00.000Z',
  lastSeen: '2026-06-01T11:00:00.000Z',
  checkedAt: '2026-06-01T11:00:00.000Z',
  applied: ['env-1'],
  version: 4,
  ...overrides,
})

const closedEvent = (overrides: Partial<TicketEvent> = {}): TicketEvent => ({
  ticketId: 1001,
  event: 'ticket status changed',
  occurredAt: '2026-06-01T11:30:00.000Z',
  statusId: 9,
  hasBeenClosed: true,
  closedAt: '2026-06-01T11:29:59.000Z',
  ...overrides,
})

const decide = (overrides: Partial<TicketChangeInput> = {}) =>
  decideTicketChange({
    record: openRecord(),
    event: closedEvent(),
    envelopeId: 'halo-env-1',
    policy: { closedStatusId: 9 },
    now: NOW,
    ...overrides,
  })

describe('decideTicketChange', () => {
  it('closes the problem when a technician closed its ticket, from when Halo closed it', () => {
    const change = decide()

    expect(change).toMatchObject({ kind: 'apply', condition: 'closed' })
    expect(change.kind === 'apply' && change.next).toMatchObject({
      state: 'closed',
      ticketId: 1001,
      closedAt: '2026-06-01T11:29:59.000Z',
      checkedAt: NOW.toISOString(),
      haloEventAt: '2026-06-01T11:30:00.000Z',
      applied: ['env-1', 'halo-env-1'],
    })
  })

  it('stores the duty to tell the source with the close when the route resolves at its source', () => {
    const change = decide({ resolvesAtSource: true })

    expect(change.kind === 'apply' && change.next.sourceResolve).toEqual({
      changeId: 'halo-env-1',
      event: 'closed',
      ticketId: 1001,
      at: '2026-06-01T11:29:59.000Z',
    })
    expect((decide() as { next?: { sourceResolve?: unknown } }).next?.sourceResolve).toBeUndefined()
  })

  it('owes the source nothing for a close that is ours coming back', () => {
    const closed = openRecord({ state: 'closed', closedAt: '2026-06-01T11:00:00.000Z' })

    expect(decide({ record: closed, resolvesAtSource: true })).toMatchObject({ kind: 'confirm' })
    expect(
      decide({ event: closedEvent({ ourReference: true }), resolvesAtSource: true }),
    ).toMatchObject({ kind: 'ignore' })
  })

  it('takes back a duty not yet told when the ticket is reopened, and keeps one already told', () => {
    const duty = {
      changeId: 'halo-env-0',
      event: 'closed' as const,
      ticketId: 1001,
      at: '2026-06-01T11:00:00.000Z',
    }
    const reopen = closedEvent({ statusId: 2, hasBeenClosed: false, closedAt: undefined })
    const closed = { state: 'closed' as const, closedAt: '2026-06-01T11:00:00.000Z' }

    const untold = decide({ record: openRecord({ ...closed, sourceResolve: duty }), event: reopen })
    const toldDuty = { ...duty, toldAt: '2026-06-01T11:00:05.000Z', outcome: 'resolved' }
    const told = decide({
      record: openRecord({ ...closed, sourceResolve: toldDuty }),
      event: reopen,
    })

    expect(untold.kind === 'apply' && untold.next.sourceResolve).toBeUndefined()
    expect(told.kind === 'apply' && told.next.sourceResolve).toEqual(toldDuty)
  })

  it('reopens the problem when its closed ticket was reopened in Halo', () => {
    const change = decide({
      record: openRecord({ state: 'closed', closedAt: '2026-06-01T11:00:00.000Z' }),
      event: closedEvent({ statusId: 2, hasBeenClosed: false, closedAt: undefined }),
    })

    expect(change).toMatchObject({ kind: 'apply', condition: 'open' })
    expect(change.kind === 'apply' && change.next.state).toBe('open')
    expect(change.kind === 'apply' && change.next.closedAt).toBeUndefined()
  })

  it('forgets a deleted ticket, so the next firing opens a new one and never reopens it', () => {
    const change = decide({ event: closedEvent({ implies: 'deleted', statusId: undefined }) })

    expect(change).toMatchObject({ kind: 'apply', condition: 'deleted' })
    expect(change.kind === 'apply' && change.next).toMatchObject({ state: 'resolved' })
    expect(change.kind === 'apply' && change.next.ticketId).toBeUndefined()
  })

  it('follows an open problem to the ticket its ticket was merged into', () => {
    const change = decide({ event: closedEvent({ implies: 'merged', mergedInto: 1005 }) })

    expect(change.kind === 'apply' && change.next).toMatchObject({ state: 'open', ticketId: 1005 })
  })

  it.each<[string, Partial<TicketChangeInput>, RegExp]>([
    ['a ticket we do not own', { record: undefined }, /not one halo-hooks opened/],
    [
      'a ticket the problem no longer tracks (it moved on to a new one)',
      { record: openRecord({ ticketId: 1002 }) },
      /no longer tracks .*ticket 1002/,
    ],
    ['a redelivery', { envelopeId: 'env-1' }, /already applied/],
    [
      'an event older than the last one applied (a close after the reopen that followed it)',
      { record: openRecord({ haloEventAt: '2026-06-01T11:45:00.000Z' }) },
      /older than the last event applied/,
    ],
    [
      'a change carrying our reference',
      { event: closedEvent({ ourReference: true }) },
      /our own change/,
    ],
    [
      'a status change from before the close we hold (our own close came first)',
      {
        record: openRecord({ state: 'closed', closedAt: '2026-06-01T11:45:00.000Z' }),
        event: closedEvent({ statusId: 2, hasBeenClosed: false }),
      },
      /older than the close held/,
    ],
    [
      'a close from before we reopened the ticket',
      { record: openRecord({ firstSeen: '2026-06-01T11:40:00.000Z' }) },
      /older than the open ticket held/,
    ],
    [
      'a change made by our agent',
      { event: closedEvent({ agentId: 3 }), ownAgentId: 3 },
      /our agent/,
    ],
    [
      'a status sent as a display value only',
      {
        event: closedEvent({
          statusId: undefined,
          hasBeenClosed: undefined,
          closedAt: undefined,
          statusName: 'Closed',
        }),
      },
      /display value/,
    ],
    [
      'an event that says nothing about the state',
      {
        event: closedEvent({
          statusId: undefined,
          hasBeenClosed: undefined,
          event: 'ticket updated',
        }),
      },
      /says nothing/,
    ],
  ])('changes nothing for %s', (_, input, reason) => {
    const change = decide(input)

    expect(change).toEqual({ kind: 'ignore', reason: expect.stringMatching(reason) })
  })

  it.each<[string, Partial<TicketChangeInput>]>([
    [
      'the echo of our own close (the state we already hold)',
      { record: openRecord({ state: 'closed' }) },
    ],
    [
      'a reopen of a ticket we hold open',
      { event: closedEvent({ statusId: 1, hasBeenClosed: false }) },
    ],
  ])('only remembers when Halo confirmed the state for %s', (_, input) => {
    const record = input.record ?? openRecord()

    const change = decide(input)

    expect(change).toMatchObject({ kind: 'confirm', reason: `already ${record.state}` })
    const { version: _version, ...held } = record
    expect(change.kind === 'confirm' && change.next).toEqual({
      ...held,
      applied: ['env-1', 'halo-env-1'],
      checkedAt: NOW.toISOString(),
      haloEventAt: '2026-06-01T11:30:00.000Z',
    })
  })

  it('keeps the newer state when a reopen is confirmed before the older close arrives', () => {
    const confirmed = decide({
      event: closedEvent({
        statusId: 1,
        hasBeenClosed: false,
        occurredAt: '2026-06-01T11:40:00.000Z',
      }),
    })
    const { version } = openRecord()
    const record = {
      ...(confirmed.kind === 'confirm' && confirmed.next),
      version,
    } as CorrelationRecord

    expect(decide({ record, envelopeId: 'halo-env-2' })).toMatchObject({
      kind: 'ignore',
      reason: expect.stringMatching(/older than the last event applied/),
    })
  })

  it('waits while one of our writes on the problem is in flight', () => {
    const { version: _, ...state } = openRecord()
    const pending = {
      envelopeId: 'env-2',
      command: { kind: 'addAction' as const, action: { ticket_id: 1001, note: 'n' } },
      next: state,
      at: NOW.toISOString(),
    }

    expect(decide({ record: openRecord({ pending }) })).toMatchObject({ kind: 'wait' })
  })
})

describe('ticketCondition', () => {
  it.each<[string, Partial<TicketEvent>, string | undefined]>([
    ['the closing status', { statusId: 9 }, 'closed'],
    ['another status', { statusId: 2 }, 'open'],
    ["Halo's closed flag", { hasBeenClosed: true, statusId: 21 }, 'closed'],
    ['the event name alone', { implies: 'closed' }, 'closed'],
    ['a deletion over any status', { implies: 'deleted', statusId: 2 }, 'deleted'],
    ['a display name alone', { statusName: 'Closed' }, undefined],
  ])('reads %s', (_, fields, condition) => {
    const event = { ticketId: 1, occurredAt: NOW.toISOString(), ...fields }
    expect(ticketCondition(event as TicketEvent, 9)).toBe(condition)
  })
})
